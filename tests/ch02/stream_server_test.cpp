// TCPServer and UnixStreamServer after chapter 2's changes: the request is
// now a Request that owns the connection, and TCPServer is also the base
// that three other classes build on. Chapter 1's stream behaviour must
// hold for both stream classes, and IPv6 for TCP and UDP alike.
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "ch02/socketserver.hpp"
#include "servers.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace {

using namespace sockserv;
using namespace std::string_literals;
using test::ipv6_loopback_any_port;
using test::serve_one;
using UpperEcho = test::UpperEcho<ch02::BaseRequestHandler>;

template <class Server>
class StreamServer : public test::ServerTest<Server> {};
TYPED_TEST_SUITE(StreamServer, test::ChapterServers<ch02::BaseServer>::Stream);

// Tells the client who it is talking to, as the request's socket sees it.
class DescribeConnection : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        common::Socket& connection = request.socket();
        bool is_peer = connection.peer_address() == client_address;
        bool is_own = connection.fd() != server.fileno();
        request.socket().send_all(std::string(request.is_datagram() ? "datagram" : "stream") +
                                  (is_own ? ", own socket" : ", the server's socket") +
                                  (is_peer ? ", connected to the client\n" : ", elsewhere\n"));
    }
};

TYPED_TEST(StreamServer, TheRequestIsAConnectionOfItsOwnToTheClient) {
    // Python hands a stream handler the socket accept(2) returned.
    auto server = this->make_server(ch02::handler<DescribeConnection>());
    test::Client client{server->server_address};

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(client.recv_until_eof(), "stream, own socket, connected to the client\n");
}

TYPED_TEST(StreamServer, EchoesLinesUntilTheClientCloses) {
    auto server = this->make_server(ch02::handler<UpperEcho>());
    test::ServerThread serving{*server};
    test::Client client{server->server_address};

    for (const std::string& line : {"one\n"s, "two\n"s, "nul\0inside\n"s}) {
        client.send(line);
        EXPECT_EQ(client.recv_line(), test::upper_copy(line));
    }
    client.close_write();
    EXPECT_TRUE(client.at_eof());
}

TYPED_TEST(StreamServer, ServerBindAloneRefusesClientsAndServerActivateListens) {
    auto server = this->make_server(ch02::handler<UpperEcho>(), false);
    server->server_bind();

    EXPECT_EQ(test::connect_error(server->server_address), std::errc::connection_refused)
        << "a client could connect before server_activate()";

    server->server_activate();
    int listening = 0;
    socklen_t size = sizeof listening;
    ASSERT_EQ(::getsockopt(server->fileno(), SOL_SOCKET, SO_ACCEPTCONN, &listening, &size), 0);
    EXPECT_EQ(listening, 1);
    test::ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

// Says hello and returns without reading: the server ends the connection.
class Hello : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { request.socket().send_all("hello\n"); }
};

TYPED_TEST(StreamServer, WhenTheHandlerReturnsTheServerEndsTheConnection) {
    // shutdown_request(): the client reads the end of the stream even
    // though it never closed its own side.
    auto server = this->make_server(ch02::handler<Hello>());
    test::Client client{server->server_address};

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(client.recv_until_eof(), "hello\n");
}

// ---------------------------------------------------------------------------
// IPv6: `[::1]:0` for both inet classes

TEST(Ipv6, TcpServerServesOnIpv6Loopback) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    ch02::TCPServer server{ipv6_loopback_any_port(), ch02::handler<UpperEcho>()};

    EXPECT_EQ(server.address_family, AF_INET6);
    EXPECT_EQ(server.server_address.host(), "::1");
    EXPECT_NE(server.server_address.port(), 0);
    EXPECT_EQ(server.server_address.to_string(),
              "[::1]:" + std::to_string(server.server_address.port()));
    test::ServerThread serving{server};
    test::Client client{server.server_address};
    client.send("over ipv6\n");
    EXPECT_EQ(client.recv_line(), "OVER IPV6\n");
}

TEST(Ipv6, UdpServerServesOnIpv6LoopbackAndAnswersTheSender) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    ch02::UDPServer server{ipv6_loopback_any_port(), ch02::handler<UpperEcho>()};

    EXPECT_EQ(server.address_family, AF_INET6);
    EXPECT_EQ(server.server_address.host(), "::1");
    EXPECT_NE(server.server_address.port(), 0);
    test::ServerThread serving{server};
    test::DatagramClient client{server.server_address};
    client.send("over ipv6");
    auto [reply, sender] = client.recv_from();
    EXPECT_EQ(reply, "OVER IPV6");
    EXPECT_EQ(sender, server.server_address);
}

TEST(Ipv6, UdpServerSeesAnIpv6ClientAddress) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    common::Address seen;
    ch02::UDPServer server{ipv6_loopback_any_port(),
                           [&seen](ch02::Request& request, const common::Address& client,
                                   ch02::BaseServer& server) {
                               seen = client;
                               return std::make_unique<UpperEcho>(request, client, server);
                           }};
    test::DatagramClient client{server.server_address};
    client.send("hi");

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv(), "HI");
    EXPECT_EQ(seen, client.local_address());
    EXPECT_EQ(seen.to_string(), "[::1]:" + std::to_string(client.local_address().port()));
}

}  // namespace
