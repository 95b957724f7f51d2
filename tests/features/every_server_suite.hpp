/// \file
/// \brief The promises every server class keeps, in every chapter: a
/// GoogleTest type-parameterised suite, `EveryServer`.
///
/// Chapter 1 made them for TCPServer; chapter 2 had to keep them for all
/// four classes (TCPServer, UDPServer, UnixStreamServer,
/// UnixDatagramServer) while it changed the request, and every later class
/// keeps them too: hooks in Python's order, handle_error and the next
/// client, no leaked descriptor, shutdown from another thread,
/// address_family and socket_type. tests/features/suites.cmake runs it on
/// every chapter's list All. Nothing here assumes that the handler has
/// finished when the client has its reply: a test reads the server's
/// record after waiting for the request's close_request().
#pragma once

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/poller.hpp"
#include "support/background_call.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class EveryServer : public ServerTest<Server> {
protected:
    // What a test reads after serve_recorded(): the server's record, the
    // request's descriptor (as get_request() wrote it down) and the
    // client's address.
    struct Recorded {
        std::vector<Call> calls;
        int fd;
        common::Address client;
    };

    // Serves one "hello\n" request with handle_request(); the handler
    // answers "handled\n", as RecordedHandler does.
    Recorded serve_recorded(RecordingServer<Server>& server) {
        auto peer = this->client(server.server_address);
        peer->request("hello\n");
        const auto client = peer->address();
        EXPECT_TRUE(serve_one(server));
        EXPECT_EQ(peer->reply(), "handled\n");
        EXPECT_TRUE(server.wait_for("close_request", 1)) << "the request was never closed";
        auto calls = server.calls();
        const int fd = calls.size() > 2 ? calls[2].request_fd : -1;
        return {std::move(calls), fd, client};
    }
};
TYPED_TEST_SUITE_P(EveryServer);

TYPED_TEST_P(EveryServer, AddressFamilyAndSocketTypeAreTheClassesOwn) {
    // Python's classes differ in these two attributes first of all:
    // UDPServer sets socket_type = SOCK_DGRAM, the Unix classes
    // address_family = AF_UNIX.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());

    EXPECT_EQ(server->address_family, kind_of<TypeParam>.family);
    EXPECT_EQ(server->socket_type, kind_of<TypeParam>.socket_type);
    EXPECT_EQ(socket_option(server->fileno(), SOL_SOCKET, SO_DOMAIN), kind_of<TypeParam>.family);
    EXPECT_EQ(socket_option(server->fileno(), SOL_SOCKET, SO_TYPE), kind_of<TypeParam>.socket_type);
}

TYPED_TEST_P(EveryServer, ServerAddressIsWhereTheSocketIsBound) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());

    EXPECT_EQ(server->server_address, server->socket.local_address());
    if constexpr (kind_of<TypeParam>.unix_domain) {
        EXPECT_EQ(server->server_address.host(), (this->directory / "server.sock").string());
    } else {
        EXPECT_NE(server->server_address.port(), 0) << "server_address still says port 0";
    }
}

TYPED_TEST_P(EveryServer, ServesClientsOneAfterAnother) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};

    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(this->answers(server->server_address, "client " + std::to_string(i) + "\n"));
    }
}

TYPED_TEST_P(EveryServer, ARequestGoesThroughEveryHookInPythonsOrder) {
    // The same order for all four classes; what differs is the request. A
    // stream request is its own connected socket, closed by close_request;
    // a datagram request is served through the server's socket, which
    // close_request leaves open for the next datagram.
    RecordingServer<TypeParam> server{this->server_address(),
                                      handler_factory<RecordedHandler, TypeParam>()};

    auto [calls, fd, client] = this->serve_recorded(server);

    EXPECT_EQ(calls, one_request_served(fd, client));
    if constexpr (kind_of<TypeParam>.datagram) {
        EXPECT_EQ(fd, server.fileno()) << "a datagram is answered through the server's socket";
        EXPECT_EQ(server.fd_after_close, server.fileno());
        EXPECT_TRUE(server.open_after_close) << "close_request closed the server's socket";
    } else {
        EXPECT_NE(fd, server.fileno()) << "a connection has a socket of its own";
        EXPECT_EQ(server.fd_after_close, -1) << "close_request left the connection open";
    }
}

TYPED_TEST_P(EveryServer, AFailingHandlerGoesToHandleErrorThenTheRequestIsShutDown) {
    // Python's _handle_request_noblock: on an exception from
    // process_request, handle_error() and then shutdown_request().
    RecordingServer<TypeParam> server{this->server_address(),
                                      handler_factory<RecordedFailingHandler, TypeParam>()};

    auto [calls, fd, client] = this->serve_recorded(server);

    auto expected = one_request_served(fd, client);
    auto after_handle = std::find(expected.begin(), expected.end(), Call{"handle", fd, client});
    ASSERT_NE(after_handle, expected.end());
    expected.insert(after_handle + 1, Call{"handle_error", fd, client});
    EXPECT_EQ(calls, expected);
}

TYPED_TEST_P(EveryServer, AFailingHandlerIsReportedToHandleErrorWithTheClientAddress) {
    RecordingServer<TypeParam> server{this->server_address(),
                                      handler_factory<Failing, TypeParam>()};
    auto peer = this->client(server.server_address);
    peer->request("anything\n");

    ASSERT_TRUE(serve_one(server));
    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "handle_error() was never called";

    ASSERT_EQ(server.error_clients().size(), 1u);
    EXPECT_EQ(server.error_clients()[0], peer->address());
    EXPECT_EQ(server.errors()[0], "std::runtime_error: the handler failed on purpose");
}

TYPED_TEST_P(EveryServer, DefaultHandleErrorReportsTheClientAndTheExceptionOnStderr) {
    auto server = this->make_server(handler_factory<Failing, TypeParam>());
    auto peer = this->client(server->server_address);
    peer->request("anything\n");
    CaptureStderr reports;

    ASSERT_TRUE(serve_one(*server));
    // A Threading server reports on the request's thread, which
    // server_close() waits for.
    server->server_close();

    const std::string text = reports.text();
    EXPECT_NE(text.find("request from " + peer->address().to_string()), std::string::npos)
        << "the report does not name the client:\n"
        << text;
    EXPECT_NE(text.find("the handler failed on purpose"), std::string::npos)
        << "the report does not give the exception's message:\n"
        << text;
}

TYPED_TEST_P(EveryServer, AfterAHandlerFailsServeForeverGoesOnToTheNextClient) {
    // The demo contract, "A client that fails" (docs/demo-contract.md), and
    // Python: handle_error() "continues handling
    // further requests".
    using Handler = BaseRequestHandlerOf<TypeParam>;
    std::atomic<int> requests = 0;
    RecordingServer<TypeParam> server{
        this->server_address(),
        [&requests](RequestOf<TypeParam>& request, const common::Address& client,
                    BaseServerOf<TypeParam>& server) -> std::unique_ptr<Handler> {
            if (++requests == 1) {
                return std::make_unique<Failing<Handler>>(request, client, server);
            }
            return std::make_unique<UpperEcho<Handler>>(request, client, server);
        }};
    ServerThread serving{server};

    auto unlucky = this->client(server.server_address);
    // Nothing for the failing handler to leave unread (an empty datagram is
    // still a request): the stream client then reads a clean end, not a reset.
    unlucky->request("");
    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "handle_error() was never called";
    if constexpr (!kind_of<TypeParam>.datagram) {
        EXPECT_EQ(unlucky->reply(), "") << "the failed request's connection was not closed";
    }

    EXPECT_TRUE(this->answers(server.server_address, "second\n"));
    EXPECT_TRUE(this->answers(server.server_address, "third\n"));
}

TYPED_TEST_P(EveryServer, ThousandsOfRequestsLeaveTheDescriptorCountFlat) {
    // A stream server opens and must close one socket per request; a
    // datagram server must open none at all.
    RecordingServer<TypeParam> server{this->server_address(),
                                      handler_factory<UpperEcho, TypeParam>()};
    // One request first, served to its end (serve_one() waits for its
    // close_request, which a Threading server calls on the request's
    // thread), so that anything opened once (and kept) is open before the
    // count.
    auto first = this->client(server.server_address);
    first->request("first\n");
    ASSERT_TRUE(serve_one(server));
    ASSERT_EQ(first->reply(), "FIRST\n");
    first.reset();
    const auto fds_before = open_fd_count();
    {
        ServerThread serving{server};
        for (int i = 0; i < 2000; ++i) {
            ASSERT_TRUE(this->answers(server.server_address, "request " + std::to_string(i)))
                << "request " << i;
        }
    }
    // Counted after server_close(), which is what waits for a server's
    // requests in progress (a stream client reads the end of its reply
    // before the server has closed its side of the connection): only the
    // server's own socket is gone.
    server.server_close();

    EXPECT_EQ(open_fd_count(), fds_before - 1);
}

TYPED_TEST_P(EveryServer, ShutdownFromAnotherThreadStopsServeForeverPromptly) {
    // Even with a poll interval of an hour: shutdown() wakes the loop.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    BackgroundCall serving{[&server] { server->serve_forever(one_hour); }};
    ASSERT_TRUE(this->answers(server->server_address));  // the loop is running

    BackgroundCall stopping{[&server] { server->shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() did not return";
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() did not return";
}

TYPED_TEST_P(EveryServer, WithoutBindAndActivateNothingIsBoundUntilServerBind) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);

    ASSERT_GE(server->fileno(), 0) << "the socket is created even when not bound";
    if constexpr (kind_of<TypeParam>.unix_domain) {
        EXPECT_FALSE(std::filesystem::exists(this->directory / "server.sock"))
            << "the path was bound already";
    } else {
        EXPECT_EQ(server->socket.local_address().port(), 0) << "bound already";
    }

    server->server_bind();
    server->server_activate();

    EXPECT_EQ(server->server_address, server->socket.local_address());
    ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

TYPED_TEST_P(EveryServer, ServerCloseClosesTheSocket) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    const auto fds_before = open_fd_count();

    server->server_close();
    server->server_close();  // twice is harmless

    EXPECT_EQ(server->fileno(), -1);
    EXPECT_EQ(open_fd_count(), fds_before - 1);
}

TYPED_TEST_P(EveryServer, DestroyingTheServerClosesItsSocket) {
    const auto fds_before = open_fd_count();

    this->make_server(handler_factory<UpperEcho, TypeParam>()).reset();

    EXPECT_EQ(open_fd_count(), fds_before);
}

REGISTER_TYPED_TEST_SUITE_P(EveryServer,
                            AddressFamilyAndSocketTypeAreTheClassesOwn,
                            ServerAddressIsWhereTheSocketIsBound,
                            ServesClientsOneAfterAnother,
                            ARequestGoesThroughEveryHookInPythonsOrder,
                            AFailingHandlerGoesToHandleErrorThenTheRequestIsShutDown,
                            AFailingHandlerIsReportedToHandleErrorWithTheClientAddress,
                            DefaultHandleErrorReportsTheClientAndTheExceptionOnStderr,
                            AfterAHandlerFailsServeForeverGoesOnToTheNextClient,
                            ThousandsOfRequestsLeaveTheDescriptorCountFlat,
                            ShutdownFromAnotherThreadStopsServeForeverPromptly,
                            WithoutBindAndActivateNothingIsBoundUntilServerBind,
                            ServerCloseClosesTheSocket,
                            DestroyingTheServerClosesItsSocket);

}  // namespace sockserv::test
