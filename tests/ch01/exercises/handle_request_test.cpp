// Tests of exercise 1.2: handle_request_noblock() (exercises/ch01/handle_request.cpp).
//
// A TCPServer subclass records every hook it is asked to run, and a real
// client on loopback watches what the server does to its connection. The
// tests call handle_request_noblock() on their own thread, after the client
// has connected: the connection already waits in the listen queue, exactly
// as when serve_forever()'s poll() says a client is there.
#include <algorithm>
#include <exception>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "handle_request.hpp"
#include "support/client.hpp"

namespace {

using namespace sockserv;
using ch01::exercises::handle_request_noblock;

using Calls = std::vector<std::string>;

// Reads one line and echoes it, except the line "fail\n", for which it
// throws. It reads the whole line before either: a server that closes a
// connection with unread bytes resets it, and the test wants a clean EOF.
class EchoOrFail : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        request.set_timeout(test::default_timeout);  // a test never waits forever
        std::string line;
        char byte = 0;
        while (line.find('\n') == std::string::npos && request.recv({&byte, 1}) == 1) {
            line += byte;
        }
        if (line == "fail\n") {
            throw std::runtime_error("the handler failed on purpose");
        }
        request.send_all(line);
    }
};

// A TCPServer on 127.0.0.1 that writes down each hook as it is called, then
// runs TCPServer's own version (handle_error excepted: it records instead of
// printing).
class RecordingServer : public ch01::TCPServer {
public:
    RecordingServer()
        : TCPServer(common::Address::inet("127.0.0.1", 0), ch01::handler<EchoOrFail>()) {}

    // handle_request_noblock() has no reason to ask: only a loop that waits
    // for clients needs the descriptor. Throwing (rather than answering)
    // keeps a solution that calls server.handle_request() from waiting
    // forever in a test where no client comes.
    int fileno() const override {
        calls.push_back("fileno");
        throw std::logic_error(
            "server.fileno() was called: handle_request_noblock() must not wait for a client, "
            "nor call server.handle_request() or serve_forever()");
    }
    std::pair<ch01::Request, common::Address> get_request() override {
        calls.push_back("get_request");
        if (before_accept) {
            before_accept();
        }
        return TCPServer::get_request();
    }
    void process_request(ch01::Request& request, const common::Address& client) override {
        calls.push_back("process_request");
        TCPServer::process_request(request, client);
    }
    void finish_request(ch01::Request& request, const common::Address& client) override {
        calls.push_back("finish_request");
        TCPServer::finish_request(request, client);
    }
    void shutdown_request(ch01::Request& request) override {
        calls.push_back("shutdown_request");
        TCPServer::shutdown_request(request);
    }
    void close_request(ch01::Request& request) override {
        calls.push_back("close_request");
        TCPServer::close_request(request);
    }
    void handle_error(ch01::Request&, const common::Address& client) override {
        calls.push_back("handle_error");
        error_client = client;
        // Describing "the exception being handled" outside a catch block
        // would terminate the program; say what happened instead.
        error = std::current_exception() ? common::describe_current_exception()
                                         : "(no exception: handle_error() was called "
                                           "outside a catch block)";
    }

    mutable Calls calls;                    // mutable: fileno() is const
    std::function<void()> before_accept;    // lets a test make get_request() fail
    std::optional<common::Address> error_client;  // what handle_error() was told
    std::string error;                      // the exception it saw
};

std::string show(const Calls& calls) {
    if (calls.empty()) {
        return "(no hook at all)";
    }
    std::ostringstream out;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        out << (i ? ", " : "") << calls[i] << "()";
    }
    return out.str();
}

std::size_t count(const Calls& calls, const std::string& hook) {
    return static_cast<std::size_t>(std::count(calls.begin(), calls.end(), hook));
}

// The first thing every test checks: the request was taken at all. Without
// that, a client would wait for an answer that never comes.
testing::AssertionResult took_the_request(const RecordingServer& server) {
    if (count(server.calls, "fileno") > 0) {
        return testing::AssertionFailure()
               << "handle_request_noblock() called server.fileno() (hooks called: "
               << show(server.calls)
               << "). It must not wait for a client (the serving loop has already seen "
                  "one waiting), nor call server.handle_request() or serve_forever(): "
                  "those run the chapter's own version of this step, not yours.";
    }
    if (server.calls.empty() || server.calls.front() != "get_request") {
        return testing::AssertionFailure()
               << "handle_request_noblock() should begin with server.get_request(), which "
                  "accepts the waiting connection and tells you who the client is; hooks "
                  "called: "
               << show(server.calls);
    }
    return testing::AssertionSuccess();
}

// The client sent \p line and expects it back, then the end of the stream.
testing::AssertionResult client_gets_echo_then_eof(test::Client& client, const std::string& line) {
    std::string answer;
    try {
        answer = client.recv_until_eof();
    } catch (const std::exception& error) {
        std::string what = error.what();
        if (what.find("timed out") != std::string::npos) {
            return testing::AssertionFailure()
                   << "the client waited for the echo of its line and for the server to close "
                      "the connection, but the connection stayed open (" << what
                   << "). Does every request end with shutdown_request(), which closes it?";
        }
        // Closing a connection without reading what the client sent resets it.
        return testing::AssertionFailure()
               << "the client sent a line and waited for its echo, but the server dropped "
                  "the connection without reading or answering it (" << what
               << "). Did handle_request_noblock() pass the request to "
                  "server.process_request()?";
    }
    if (answer.empty()) {
        return testing::AssertionFailure()
               << "the client sent a line and waited for its echo, but the server closed "
                  "the connection without answering. Did handle_request_noblock() pass the "
                  "request to server.process_request()?";
    }
    if (answer != line) {
        return testing::AssertionFailure()
               << "the client expected the echo of its line, then the end of the stream, "
                  "but received "
               << answer.size() << " bytes instead of " << line.size();
    }
    return testing::AssertionSuccess();
}

TEST(HandleRequestNoblock, ServesTheWaitingClient) {
    RecordingServer server;
    test::Client client{server.server_address};
    client.send("hello\n");

    handle_request_noblock(server);

    ASSERT_TRUE(took_the_request(server));
    EXPECT_TRUE(client_gets_echo_then_eof(client, "hello\n"));
}

TEST(HandleRequestNoblock, RunsTheHooksInPythonsOrder) {
    RecordingServer server;
    test::Client client{server.server_address};
    client.send("in order\n");

    handle_request_noblock(server);

    ASSERT_TRUE(took_the_request(server));
    // get_request by you; process_request by you, which runs finish_request
    // (the handler) and then shutdown_request, which runs close_request.
    Calls expected{"get_request", "process_request", "finish_request", "shutdown_request",
                   "close_request"};
    EXPECT_EQ(server.calls, expected)
        << "hooks called: " << show(server.calls) << "\nexpected:     " << show(expected)
        << "\nhandle_request_noblock() calls get_request() then process_request(); the "
           "others follow from process_request() (call nothing else when all goes well).";
    EXPECT_TRUE(client_gets_echo_then_eof(client, "in order\n"));
}

TEST(HandleRequestNoblock, ReportsAHandlerErrorWithTheClientAddress) {
    RecordingServer server;
    test::Client client{server.server_address};
    client.send("fail\n");

    try {
        handle_request_noblock(server);
    } catch (...) {
        FAIL() << "an exception escaped from handle_request_noblock(): "
               << common::describe_current_exception()
               << ". When the handler throws, the server must not stop: catch the exception "
                  "and pass the request to server.handle_error().";
    }

    ASSERT_TRUE(took_the_request(server));
    ASSERT_EQ(count(server.calls, "handle_error"), 1u)
        << "the handler threw, so handle_error() should have been called once; hooks "
           "called: "
        << show(server.calls);
    EXPECT_EQ(server.error_client, client.socket().local_address())
        << "handle_error() should be told the address of the client whose request failed "
           "(the one get_request() returned).";
    EXPECT_TRUE(server.error.find("the handler failed on purpose") != std::string::npos)
        << "handle_error() should run inside the catch block, while the handler's exception "
           "is the one being handled; it saw: "
        << server.error;
}

TEST(HandleRequestNoblock, ShutsTheRequestDownOnceAfterAnError) {
    RecordingServer server;
    test::Client client{server.server_address};
    client.send("fail\n");

    try {
        handle_request_noblock(server);
    } catch (...) {
        FAIL() << "an exception escaped from handle_request_noblock(): "
               << common::describe_current_exception();
    }

    ASSERT_TRUE(took_the_request(server));
    Calls expected{"get_request", "process_request", "finish_request", "handle_error",
                   "shutdown_request", "close_request"};
    EXPECT_EQ(server.calls, expected)
        << "hooks called: " << show(server.calls) << "\nexpected:     " << show(expected)
        << "\nThe handler threw inside process_request(), which therefore never reached "
           "shutdown_request(): after handle_error(), end the request yourself, exactly once.";
    bool eof = false;
    EXPECT_NO_THROW(eof = client.at_eof()) << "the client should see the connection closed";
    EXPECT_TRUE(eof) << "after a failed request the client should see the end of the stream";
}

TEST(HandleRequestNoblock, GoesOnServingAfterAFailedRequest) {
    RecordingServer server;
    test::Client failing{server.server_address};
    failing.send("fail\n");
    test::Client next{server.server_address};
    next.send("still there?\n");

    try {
        handle_request_noblock(server);  // the failing client
        handle_request_noblock(server);  // the next one
    } catch (...) {
        FAIL() << "an exception escaped from handle_request_noblock(): "
               << common::describe_current_exception();
    }

    ASSERT_TRUE(took_the_request(server));
    EXPECT_EQ(count(server.calls, "get_request"), 2u) << "hooks called: " << show(server.calls);
    EXPECT_TRUE(client_gets_echo_then_eof(next, "still there?\n"));
}

TEST(HandleRequestNoblock, ReturnsQuietlyWhenAcceptFails) {
    RecordingServer server;
    // Nobody is waiting, and a non-blocking accept() then fails at once (EAGAIN),
    // just as it does when a client reset its connection before we took it.
    int flags = ::fcntl(server.socket.fd(), F_GETFL);
    ASSERT_EQ(::fcntl(server.socket.fd(), F_SETFL, flags | O_NONBLOCK), 0);

    try {
        handle_request_noblock(server);
    } catch (const std::system_error& error) {
        FAIL() << "get_request() threw std::system_error (" << error.what()
               << ") and handle_request_noblock() let it out. A failed accept means there "
                  "is no request to serve: catch std::system_error and return quietly.";
    }

    ASSERT_TRUE(took_the_request(server));
    EXPECT_EQ(server.calls, Calls{"get_request"})
        << "with no request there is nothing to process, report or shut down; hooks called: "
        << show(server.calls);
}

TEST(HandleRequestNoblock, LetsOtherErrorsFromGetRequestThrough) {
    RecordingServer server;
    server.before_accept = [] { throw std::logic_error("a bug inside get_request()"); };

    bool passed_through = false;
    try {
        handle_request_noblock(server);
    } catch (const std::logic_error&) {
        passed_through = true;
    }

    ASSERT_TRUE(took_the_request(server));
    EXPECT_TRUE(passed_through)
        << "get_request() threw std::logic_error (a bug, not a failed accept) and "
           "handle_request_noblock() swallowed it. Catch only std::system_error around "
           "get_request(), as Python catches only OSError: hiding bugs makes them hard to find.";
    EXPECT_EQ(server.calls, Calls{"get_request"}) << "hooks called: " << show(server.calls);
}

}  // namespace
