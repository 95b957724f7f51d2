// handle_request() and the hooks every request goes through:
// get_request, process_request, finish_request, shutdown_request,
// close_request (and handle_error when the handler throws). BaseServer
// itself, under a subclass that is not TCPServer.
#include <cerrno>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "ch01/socketserver.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/interrupt.hpp"
#include "support/process.hpp"  // TempDir, CaptureStderr
#include "support/recording.hpp"
#include "support/server_thread.hpp"
#include "test_handlers.hpp"

namespace {

using namespace sockserv;
using ch01::TCPServer;
using ch01_test::answers;
using ch01_test::Echo;
using ch01_test::loopback_any_port;
using ch01_test::serve_one;

TEST(HandleRequest, ServesExactlyOneClientThenReturns) {
    int handlers = 0;  // counted on the serving thread, read once serve_one() returns
    TCPServer server{loopback_any_port(),
                     [&handlers](ch01::Request& request, const common::Address& client,
                                 ch01::BaseServer& server) {
                         ++handlers;
                         return std::make_unique<Echo>(request, client, server);
                     }};
    test::Client first{server.server_address};
    first.send("first\n");
    first.close_write();
    test::Client second{server.server_address};
    second.send("second\n");
    second.close_write();

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(handlers, 1);
    EXPECT_EQ(first.recv_until_eof(), "first\n");
    char byte;
    EXPECT_EQ(::recv(second.socket().fd(), &byte, 1, MSG_DONTWAIT), -1)
        << "the second client was answered too";
    EXPECT_EQ(errno, EAGAIN);
    ASSERT_TRUE(serve_one(server));  // the second client was waiting, not dropped
    EXPECT_EQ(second.recv_until_eof(), "second\n");
}

TEST(HandleRequest, WaitsForAClientToArrive) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    std::promise<pid_t> server_thread;
    test::BackgroundCall serving{[&] {
        server_thread.set_value(test::current_thread_id());
        server.handle_request();
    }};
    ASSERT_TRUE(test::wait_until_in_syscall(server_thread.get_future().get(), test::poll_syscalls()))
        << "handle_request() is not waiting in poll(2)";
    EXPECT_FALSE(serving.finishes_within(common::Seconds{0})) << "returned with no client";

    test::Client client{server.server_address};
    client.send("late\n");
    client.close_write();

    EXPECT_EQ(client.recv_until_eof(), "late\n");
    EXPECT_TRUE(serving.finishes_within());
}

using test::Call;

// A TCPServer that writes down every hook call, then does what TCPServer does.
// (Chapter 1's Request is the bare socket, so this is its own; the log and
// the Call it records are the ones every chapter's tests share.)
class RecordingServer : public TCPServer, public test::CallLog {
public:
    RecordingServer(ch01::HandlerFactory factory)
        : TCPServer(loopback_any_port(), std::move(factory), false) {
        // Our own overrides, called as Python's docs describe for
        // bind_and_activate=False.
        server_bind();
        server_activate();
    }

    void server_bind() override {
        record({"server_bind"});
        TCPServer::server_bind();
    }
    void server_activate() override {
        record({"server_activate"});
        TCPServer::server_activate();
    }
    std::pair<ch01::Request, common::Address> get_request() override {
        auto accepted = TCPServer::get_request();
        record({"get_request", accepted.first.fd(), accepted.second});
        return accepted;
    }
    void process_request(ch01::Request& request, const common::Address& client) override {
        record({"process_request", request.fd(), client});
        TCPServer::process_request(request, client);
    }
    void finish_request(ch01::Request& request, const common::Address& client) override {
        record({"finish_request", request.fd(), client});
        TCPServer::finish_request(request, client);
    }
    void shutdown_request(ch01::Request& request) override {
        record({"shutdown_request", request.fd()});
        TCPServer::shutdown_request(request);
    }
    void close_request(ch01::Request& request) override {
        record({"close_request", request.fd()});
        TCPServer::close_request(request);
    }
    void handle_error(ch01::Request& request, const common::Address& client) override {
        record({"handle_error", request.fd(), client});
    }
};

// Writes down its handle() in the server's record, then answers one line.
class RecordedHandler : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        static_cast<RecordingServer&>(server).record({"handle", request.fd(), client_address});
        request.send_all("handled\n");
    }
};

// The same, and then fails.
class RecordedFailingHandler : public RecordedHandler {
public:
    using RecordedHandler::RecordedHandler;
    void handle() override {
        RecordedHandler::handle();
        throw std::runtime_error("handler failed");
    }
};

TEST(Hooks, ServerBindAndServerActivateOverridesRunWhenCalledAfterConstruction) {
    RecordingServer server{ch01::handler<RecordedHandler>()};

    std::vector<Call> expected{{"server_bind"}, {"server_activate"}};
    EXPECT_EQ(server.calls(), expected);
}

TEST(Hooks, ARequestGoesThroughEveryHookInPythonsOrder) {
    RecordingServer server{ch01::handler<RecordedHandler>()};
    test::Client client{server.server_address};
    const auto client_address = client.socket().local_address();

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_until_eof(), "handled\n");
    auto calls = server.calls();
    ASSERT_EQ(calls.size(), 8u) << ::testing::PrintToString(calls);
    const int fd = calls[2].request_fd;
    ASSERT_GE(fd, 0);
    EXPECT_EQ(calls, test::one_request_served(fd, client_address));
}

TEST(Hooks, AFailingHandlerGoesToHandleErrorThenTheRequestIsShutDown) {
    // Python's _handle_request_noblock: on an exception from
    // process_request, handle_error() and then shutdown_request().
    RecordingServer server{ch01::handler<RecordedFailingHandler>()};
    test::Client client{server.server_address};
    const auto client_address = client.socket().local_address();

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_until_eof(), "handled\n");
    auto calls = server.calls();
    ASSERT_EQ(calls.size(), 9u) << ::testing::PrintToString(calls);
    const int fd = calls[2].request_fd;
    // The hooks of a served request, with handle_error() before the last
    // two: shutdown_request() and close_request().
    std::vector<Call> expected = test::one_request_served(fd, client_address);
    expected.insert(expected.end() - 2, Call{"handle_error", fd, client_address});
    EXPECT_EQ(calls, expected);
}

// A server that overrides only get_request() to turn every client away
// (as if accept(2) failed): the serving loop must shrug it off.
class RefusingServer : public TCPServer {
public:
    using TCPServer::TCPServer;
    std::pair<ch01::Request, common::Address> get_request() override {
        auto accepted = TCPServer::get_request();  // take it out of the queue
        if (refuse_next) {
            refuse_next = false;
            throw std::system_error(std::make_error_code(std::errc::connection_aborted), "accept");
        }
        return accepted;
    }
    bool refuse_next = true;
};

TEST(Hooks, AGetRequestThatFailsIsSkippedQuietly) {
    // Python: an OSError from get_request() ends _handle_request_noblock()
    // without a word; the server serves the next client.
    RefusingServer server{loopback_any_port(), ch01::handler<Echo>()};
    test::ServerThread serving{server};
    test::CaptureStderr stderr_text;
    test::Client refused{server.server_address};

    EXPECT_TRUE(refused.at_eof()) << "the refused client's connection stayed open";
    EXPECT_TRUE(answers(server.server_address, "ping\n"));
    serving.stop();
    EXPECT_EQ(stderr_text.text(), "");
}

// The least a BaseServer subclass must provide (fileno, get_request),
// over a Unix-domain socket: BaseServer's loop and hooks do the rest.
// Chapter 2's UnixStreamServer is this, done properly.
class UnixBaseServer : public ch01::BaseServer {
public:
    UnixBaseServer(common::Address address, ch01::HandlerFactory factory)
        : BaseServer(std::move(address), std::move(factory)),
          socket(common::Socket::open(AF_UNIX, SOCK_STREAM)) {
        socket.bind(server_address);
        socket.listen(5);
    }
    int fileno() const override { return socket.fd(); }
    std::pair<ch01::Request, common::Address> get_request() override { return socket.accept(); }
    void close_request(ch01::Request& request) override {
        ++closed;
        request.close();
    }

    common::Socket socket;
    int closed = 0;  // read after the serving thread is joined
};

TEST(BaseServer, ServesAnySocketASubclassProvides) {
    test::TempDir directory;
    UnixBaseServer server{common::Address::unix_path((directory / "echo.sock").string()),
                          ch01::handler<Echo>()};
    {
        test::ServerThread serving{server};
        EXPECT_TRUE(answers(server.server_address, "ping\n"));
        EXPECT_TRUE(answers(server.server_address, "ping\n"));
    }

    // BaseServer's own shutdown_request() hands every request to close_request().
    EXPECT_EQ(server.closed, 2);
}

}  // namespace
