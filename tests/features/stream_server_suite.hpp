/// \file
/// \brief TCPServer and UnixStreamServer after chapter 2's changes: the
/// request is a Request that owns the connection, and TCPServer is also the
/// base that three other classes build on. `StreamServer`, over every
/// chapter's stream classes.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class StreamServer : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(StreamServer);

// Tells the client who it is talking to, as the request's socket sees it.
template <class Base>
class DescribeConnection : public Base {
public:
    using Base::Base;
    void handle() override {
        common::Socket& connection = socket_of(this->request);
        bool is_peer = connection.peer_address() == this->client_address;
        bool is_own = connection.fd() != this->server.fileno();
        connection.send_all(std::string(this->request.is_datagram() ? "datagram" : "stream") +
                            (is_own ? ", own socket" : ", the server's socket") +
                            (is_peer ? ", connected to the client\n" : ", elsewhere\n"));
    }
};

TYPED_TEST_P(StreamServer, TheRequestIsAConnectionOfItsOwnToTheClient) {
    // Python hands a stream handler the socket accept(2) returned.
    auto server = this->make_server(handler_factory<DescribeConnection, TypeParam>());
    Client client{server->server_address};

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(client.recv_until_eof(), "stream, own socket, connected to the client\n");
}

TYPED_TEST_P(StreamServer, EchoesLinesUntilTheClientCloses) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    Client client{server->server_address};

    for (const std::string& line : {std::string("one\n"), std::string("two\n"), std::string("nul\0inside\n", 11)}) {
        client.send(line);
        EXPECT_EQ(client.recv_line(), upper_copy(line));
    }
    client.close_write();
    EXPECT_TRUE(client.at_eof());
}

TYPED_TEST_P(StreamServer, ServerBindAloneRefusesClientsAndServerActivateListens) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);
    server->server_bind();

    EXPECT_EQ(connect_error(server->server_address), std::errc::connection_refused)
        << "a client could connect before server_activate()";

    server->server_activate();
    int listening = 0;
    socklen_t size = sizeof listening;
    ASSERT_EQ(::getsockopt(server->fileno(), SOL_SOCKET, SO_ACCEPTCONN, &listening, &size), 0);
    EXPECT_EQ(listening, 1);
    ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

TYPED_TEST_P(StreamServer, WhenTheHandlerReturnsTheServerEndsTheConnection) {
    // shutdown_request(): the client reads the end of the stream even
    // though it never closed its own side.
    auto server = this->make_server(handler_factory<Hello, TypeParam>());
    Client client{server->server_address};

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(client.recv_until_eof(), "hello\n");
}

REGISTER_TYPED_TEST_SUITE_P(StreamServer,
                            TheRequestIsAConnectionOfItsOwnToTheClient,
                            EchoesLinesUntilTheClientCloses,
                            ServerBindAloneRefusesClientsAndServerActivateListens,
                            WhenTheHandlerReturnsTheServerEndsTheConnection);

}  // namespace sockserv::test
