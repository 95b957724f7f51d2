// What holds for all four of chapter 2's classes alike: TCPServer,
// UDPServer, UnixStreamServer, UnixDatagramServer. The chapter-1 promises
// that chapter 2 had to keep while it changed the request (hooks in
// Python's order, handle_error and the next client, no leaked descriptor,
// shutdown from another thread), plus address_family and socket_type, and
// the check that each class gets the kind of address it can bind.
#include <atomic>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "ch02/socketserver.hpp"
#include "common/poller.hpp"
#include "server_kinds.hpp"
#include "support/probe.hpp"
#include "support/background_call.hpp"
#include "support/process.hpp"
#include "support/server_thread.hpp"
#include "test_handlers.hpp"

namespace {

using namespace sockserv;
using test::socket_option;
using ch02_test::ErrorRecording;
using ch02_test::Failing;
using ch02_test::KindOf;
using ch02_test::serve_one;
using ch02_test::UpperEcho;

// A poll interval no test could wait out: shutdown() must not wait for it.
constexpr common::Seconds one_hour{3600.0};

template <class Server>
class EveryServer : public ch02_test::ServerTest<Server> {};
TYPED_TEST_SUITE(EveryServer, ch02_test::AllServers);

TYPED_TEST(EveryServer, AddressFamilyAndSocketTypeAreTheClassesOwn) {
    // Python's classes differ in these two attributes first of all:
    // UDPServer sets socket_type = SOCK_DGRAM, the Unix classes
    // address_family = AF_UNIX.
    auto server = this->make_server(ch02::handler<UpperEcho>());

    EXPECT_EQ(server->address_family, KindOf<TypeParam>::family);
    EXPECT_EQ(server->socket_type, KindOf<TypeParam>::socket_type);
    EXPECT_EQ(socket_option(server->fileno(), SOL_SOCKET, SO_DOMAIN), KindOf<TypeParam>::family);
    EXPECT_EQ(socket_option(server->fileno(), SOL_SOCKET, SO_TYPE), KindOf<TypeParam>::socket_type);
}

TYPED_TEST(EveryServer, ServerAddressIsWhereTheSocketIsBound) {
    auto server = this->make_server(ch02::handler<UpperEcho>());

    EXPECT_EQ(server->server_address, server->socket.local_address());
    if constexpr (KindOf<TypeParam>::unix_domain) {
        EXPECT_EQ(server->server_address.host(), (this->directory / "server.sock").string());
    } else {
        EXPECT_NE(server->server_address.port(), 0) << "server_address still says port 0";
    }
}

TYPED_TEST(EveryServer, ServesClientsOneAfterAnother) {
    auto server = this->make_server(ch02::handler<UpperEcho>());
    test::ServerThread serving{*server};

    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(this->answers(server->server_address, "client " + std::to_string(i) + "\n"));
    }
}

TYPED_TEST(EveryServer, AnAddressOfTheWrongKindThrowsInvalidArgumentAndLeaksNothing) {
    // A path means nothing to an inet socket and HOST:PORT nothing to a
    // Unix one. Python would fail inside bind() with a TypeError; here the
    // constructor says which class wanted which kind of address, before
    // any socket exists, whether or not it was asked to bind.
    const auto wrong = this->wrong_address();
    const auto fds_before = test::open_fd_count();

    for (bool bind_and_activate : {true, false}) {
        try {
            TypeParam server{wrong, ch02::handler<UpperEcho>(), bind_and_activate};
            ADD_FAILURE() << KindOf<TypeParam>::name << " accepted " << wrong;
        } catch (const std::invalid_argument& error) {
            const std::string what = error.what();
            EXPECT_NE(what.find(KindOf<TypeParam>::name), std::string::npos) << what;
            EXPECT_NE(what.find(wrong.to_string()), std::string::npos) << what;
        }
    }

    EXPECT_EQ(test::open_fd_count(), fds_before);
    EXPECT_TRUE(std::filesystem::is_empty(this->directory.path())) << "a socket file was made";
}

// One call of a hook, as a test can compare it.
struct Call {
    std::string hook;
    int request_fd = -1;        // request.socket().fd() when the hook ran
    common::Address address{};  // the client_address passed, if any

    friend bool operator==(const Call&, const Call&) = default;
    friend std::ostream& operator<<(std::ostream& out, const Call& call) {
        out << call.hook << "(fd " << call.request_fd;
        if (call.address.family() != AF_UNSPEC) {
            out << ", " << call.address;
        }
        return out << ")";
    }
};

// A server of class Base that writes down every hook call, then does what
// Base does. It binds with its own overrides, as Python's docs describe for
// bind_and_activate=False.
template <class Base>
class RecordingServer : public Base {
public:
    RecordingServer(common::Address address, ch02::HandlerFactory factory)
        : Base(std::move(address), std::move(factory), false) {
        server_bind();
        server_activate();
    }

    void server_bind() override {
        record({"server_bind"});
        Base::server_bind();
    }
    void server_activate() override {
        record({"server_activate"});
        Base::server_activate();
    }
    std::pair<ch02::Request, common::Address> get_request() override {
        auto taken = Base::get_request();
        record({"get_request", taken.first.socket().fd(), taken.second});
        return taken;
    }
    void process_request(ch02::Request& request, const common::Address& client) override {
        record({"process_request", request.socket().fd(), client});
        Base::process_request(request, client);
    }
    void finish_request(ch02::Request& request, const common::Address& client) override {
        record({"finish_request", request.socket().fd(), client});
        Base::finish_request(request, client);
    }
    void shutdown_request(ch02::Request& request) override {
        record({"shutdown_request", request.socket().fd()});
        Base::shutdown_request(request);
    }
    void close_request(ch02::Request& request) override {
        record({"close_request", request.socket().fd()});
        Base::close_request(request);
        fd_after_close = request.socket().fd();
        open_after_close = ::fcntl(fd_after_close, F_GETFD) != -1;
    }
    void handle_error(ch02::Request& request, const common::Address& client) override {
        record({"handle_error", request.socket().fd(), client});
    }

    void record(Call call) {
        std::lock_guard lock(mutex_);
        calls_.push_back(std::move(call));
    }
    std::vector<Call> calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }

    // What close_request() left behind (read once serve_one() has returned).
    int fd_after_close = -2;
    bool open_after_close = false;

private:
    std::mutex mutex_;
    std::vector<Call> calls_;
};

// Writes down its handle() in the server's record, then answers "handled\n"
// the way its kind of request is answered. A stream request is read to its
// end first: a connection closed with bytes still unread is reset (TCP and
// Unix alike), and the client would see an error instead of the end.
template <class Base>
class RecordedHandler : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        static_cast<RecordingServer<Base>&>(server).record(
            {"handle", request.socket().fd(), client_address});
        if (request.is_datagram()) {
            request.socket().sendto("handled\n", client_address);
            return;
        }
        common::Socket& connection = request.socket();
        connection.set_timeout(test::default_timeout);
        char buffer[256];
        while (connection.recv(buffer) != 0) {
        }
        connection.send_all("handled\n");
    }
};

// The same, and then fails.
template <class Base>
class RecordedFailingHandler : public RecordedHandler<Base> {
public:
    using RecordedHandler<Base>::RecordedHandler;
    void handle() override {
        RecordedHandler<Base>::handle();
        throw std::runtime_error("handler failed");
    }
};

TYPED_TEST(EveryServer, ARequestGoesThroughEveryHookInPythonsOrder) {
    // The same order for all four classes; what differs is the request. A
    // stream request is its own connected socket, closed by close_request;
    // a datagram request is served through the server's socket, which
    // close_request leaves open for the next datagram.
    using Server = TypeParam;
    RecordingServer<Server> server{this->server_address(),
                                   ch02::handler<RecordedHandler<Server>>()};
    auto peer = this->client(server.server_address);
    peer->request("hello\n");
    const auto client_address = peer->address();

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(peer->reply(), "handled\n");
    auto calls = server.calls();
    ASSERT_EQ(calls.size(), 8u) << ::testing::PrintToString(calls);
    const int fd = calls[2].request_fd;
    std::vector<Call> expected{
        {"server_bind"},
        {"server_activate"},
        {"get_request", fd, client_address},
        {"process_request", fd, client_address},
        {"finish_request", fd, client_address},
        {"handle", fd, client_address},
        {"shutdown_request", fd},
        {"close_request", fd},
    };
    EXPECT_EQ(calls, expected);
    if constexpr (KindOf<TypeParam>::datagram) {
        EXPECT_EQ(fd, server.fileno()) << "a datagram is answered through the server's socket";
        EXPECT_EQ(server.fd_after_close, server.fileno());
        EXPECT_TRUE(server.open_after_close) << "close_request closed the server's socket";
    } else {
        EXPECT_NE(fd, server.fileno()) << "a connection has a socket of its own";
        EXPECT_EQ(server.fd_after_close, -1) << "close_request left the connection open";
    }
}

TYPED_TEST(EveryServer, AFailingHandlerGoesToHandleErrorThenTheRequestIsShutDown) {
    // Python's _handle_request_noblock: on an exception from
    // process_request, handle_error() and then shutdown_request().
    using Server = TypeParam;
    RecordingServer<Server> server{this->server_address(),
                                   ch02::handler<RecordedFailingHandler<Server>>()};
    auto peer = this->client(server.server_address);
    peer->request("hello\n");
    const auto client_address = peer->address();

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(peer->reply(), "handled\n");
    auto calls = server.calls();
    ASSERT_EQ(calls.size(), 9u) << ::testing::PrintToString(calls);
    const int fd = calls[2].request_fd;
    std::vector<Call> expected{
        {"server_bind"},
        {"server_activate"},
        {"get_request", fd, client_address},
        {"process_request", fd, client_address},
        {"finish_request", fd, client_address},
        {"handle", fd, client_address},
        {"handle_error", fd, client_address},
        {"shutdown_request", fd},
        {"close_request", fd},
    };
    EXPECT_EQ(calls, expected);
}

TYPED_TEST(EveryServer, AFailingHandlerIsReportedToHandleErrorWithTheClientAddress) {
    ErrorRecording<TypeParam> server{this->server_address(), ch02::handler<Failing>()};
    auto peer = this->client(server.server_address);
    peer->request("anything\n");

    ASSERT_TRUE(serve_one(server));

    ASSERT_EQ(server.clients().size(), 1u);
    EXPECT_EQ(server.clients()[0], peer->address());
    EXPECT_EQ(server.errors()[0], "std::runtime_error: the handler failed on purpose");
}

TYPED_TEST(EveryServer, DefaultHandleErrorReportsTheClientAndTheExceptionOnStderr) {
    auto server = this->make_server(ch02::handler<Failing>());
    auto peer = this->client(server->server_address);
    peer->request("anything\n");
    test::CaptureStderr reports;

    ASSERT_TRUE(serve_one(*server));

    const std::string text = reports.text();
    EXPECT_NE(text.find("request from " + peer->address().to_string()), std::string::npos)
        << "the report does not name the client:\n"
        << text;
    EXPECT_NE(text.find("the handler failed on purpose"), std::string::npos)
        << "the report does not give the exception's message:\n"
        << text;
}

TYPED_TEST(EveryServer, AfterAHandlerFailsServeForeverGoesOnToTheNextClient) {
    // demo-cli.md rule 8, and Python: handle_error() "continues handling
    // further requests".
    int requests = 0;  // only touched by the serving thread
    ErrorRecording<TypeParam> server{
        this->server_address(),
        [&requests](ch02::Request& request, const common::Address& client,
                    ch02::BaseServer& server) -> std::unique_ptr<ch02::BaseRequestHandler> {
            if (++requests == 1) {
                return std::make_unique<Failing>(request, client, server);
            }
            return std::make_unique<UpperEcho>(request, client, server);
        }};
    test::ServerThread serving{server};

    auto unlucky = this->client(server.server_address);
    // Nothing for the failing handler to leave unread (an empty datagram is
    // still a request): the stream client then reads a clean end, not a reset.
    unlucky->request("");
    ASSERT_TRUE(server.wait_for_errors(1)) << "handle_error() was never called";
    if constexpr (!KindOf<TypeParam>::datagram) {
        EXPECT_EQ(unlucky->reply(), "") << "the failed request's connection was not closed";
    }

    EXPECT_TRUE(this->answers(server.server_address, "second\n"));
    EXPECT_TRUE(this->answers(server.server_address, "third\n"));
}

TYPED_TEST(EveryServer, ThousandsOfRequestsLeaveTheDescriptorCountFlat) {
    // A stream server opens and must close one socket per request; a
    // datagram server must open none at all.
    auto server = this->make_server(ch02::handler<UpperEcho>());
    // One request first, served to its end, so that anything opened once
    // (and kept) is open before the count.
    auto first = this->client(server->server_address);
    first->request("first\n");
    ASSERT_TRUE(serve_one(*server));
    ASSERT_EQ(first->reply(), "FIRST\n");
    first.reset();
    const auto fds_before = test::open_fd_count();
    {
        test::ServerThread serving{*server};
        for (int i = 0; i < 2000; ++i) {
            ASSERT_TRUE(this->answers(server->server_address, "request " + std::to_string(i)))
                << "request " << i;
        }
        // Counted after the join: a stream client reads the end of its
        // reply before the server has closed its side of the connection.
    }

    EXPECT_EQ(test::open_fd_count(), fds_before);
}

TYPED_TEST(EveryServer, HandleRequestServesExactlyOneRequest) {
    std::atomic<int> handlers = 0;
    auto server = this->make_server(
        [&handlers](ch02::Request& request, const common::Address& client,
                    ch02::BaseServer& server) {
            ++handlers;
            return std::make_unique<UpperEcho>(request, client, server);
        });
    auto first = this->client(server->server_address);
    first->request("first\n");
    auto second = this->client(server->server_address);
    second->request("second\n");

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(handlers, 1);
    common::Poller poller{server->fileno()};
    EXPECT_TRUE(poller.wait(test::default_timeout)) << "the other request was not left waiting";
    ASSERT_TRUE(serve_one(*server));
    EXPECT_EQ(handlers, 2);
    EXPECT_EQ(first->reply(), "FIRST\n");
    EXPECT_EQ(second->reply(), "SECOND\n");
}

TYPED_TEST(EveryServer, ShutdownFromAnotherThreadStopsServeForeverPromptly) {
    // Even with a poll interval of an hour: shutdown() wakes the loop.
    auto server = this->make_server(ch02::handler<UpperEcho>());
    test::BackgroundCall serving{[&server] { server->serve_forever(one_hour); }};
    ASSERT_TRUE(this->answers(server->server_address));  // the loop is running

    test::BackgroundCall stopping{[&server] { server->shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() did not return";
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() did not return";
}

TYPED_TEST(EveryServer, WithoutBindAndActivateNothingIsBoundUntilServerBind) {
    auto server = this->make_server(ch02::handler<UpperEcho>(), false);

    ASSERT_GE(server->fileno(), 0) << "the socket is created even when not bound";
    if constexpr (KindOf<TypeParam>::unix_domain) {
        EXPECT_FALSE(std::filesystem::exists(this->directory / "server.sock"))
            << "the path was bound already";
    } else {
        EXPECT_EQ(server->socket.local_address().port(), 0) << "bound already";
    }

    server->server_bind();
    server->server_activate();

    EXPECT_EQ(server->server_address, server->socket.local_address());
    test::ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

TYPED_TEST(EveryServer, ServerCloseClosesTheSocket) {
    auto server = this->make_server(ch02::handler<UpperEcho>());
    const auto fds_before = test::open_fd_count();

    server->server_close();
    server->server_close();  // twice is harmless

    EXPECT_EQ(server->fileno(), -1);
    EXPECT_EQ(test::open_fd_count(), fds_before - 1);
}

TYPED_TEST(EveryServer, DestroyingTheServerClosesItsSocket) {
    const auto fds_before = test::open_fd_count();

    this->make_server(ch02::handler<UpperEcho>()).reset();

    EXPECT_EQ(test::open_fd_count(), fds_before);
}

}  // namespace
