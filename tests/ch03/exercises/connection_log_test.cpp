// Tests of exercise 3.2: LoggingHandler::setup() and finish()
// (exercises/ch03/connection_log.cpp).
//
// A real TCPServer on loopback serves real clients with LoggingHandler, or
// with a test's subclass of it whose handle() writes to the log too, throws,
// or looks at the connection. Most tests let the client send everything and
// close its side first, then call handle_request() on the test's own thread:
// the handler then never waits. The test of a silent client runs
// handle_request() on a thread of its own, and unblocks it if it hangs.
#include <exception>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "common/error.hpp"
#include "connection_log.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"

namespace {

using namespace sockserv;
using ch03::exercises::Log;
using ch03::exercises::logging_handler;
using ch03::exercises::LoggingHandler;

// A TCPServer on 127.0.0.1 whose handle_error() records instead of printing.
class Recording : public ch03::TCPServer {
public:
    explicit Recording(ch03::HandlerFactory factory)
        : TCPServer(common::Address::inet("127.0.0.1", 0), std::move(factory)) {
        timeout = test::default_timeout;  // handle_request() never waits for ever
    }
    void handle_error(ch03::Request&, const common::Address& client) override {
        errors.push_back(client.to_string() + ": " + common::describe_current_exception());
    }
    std::vector<std::string> errors;
};

std::string show(const std::vector<std::string>& lines) {
    if (lines.empty()) {
        return " nothing";
    }
    std::ostringstream out;
    for (const std::string& line : lines) {
        out << "\n    " << line;
    }
    return out.str();
}

// What setup() and finish() have to do with each line, for the message.
std::string advice(const std::vector<std::string>& got, const std::vector<std::string>& expected) {
    if (got.empty()) {
        return " setup() writes the \"open\" line, finish() the \"close\" line: the server calls "
               "both around handle().";
    }
    if (got.size() < expected.size()) {
        return " A line is missing: setup() writes \"open CLIENT\", finish() \"close CLIENT "
               "bytes=N\", and BaseRequestHandler::run() calls finish() even when handle() "
               "throws.";
    }
    return " CLIENT is client_address.to_string(), N is bytes_received, and there is exactly "
           "one space between the parts.";
}

testing::AssertionResult log_is(const Log& log, const std::vector<std::string>& expected) {
    std::vector<std::string> got = log.lines();
    if (got != expected) {
        return testing::AssertionFailure() << "the log should hold" << show(expected)
                                           << "\n  but it holds" << show(got) << "\n "
                                           << advice(got, expected);
    }
    return testing::AssertionSuccess();
}

std::string address_of(test::Client& client) {
    return client.socket().local_address().to_string();
}

TEST(ConnectionLog, LogsOpenAndCloseAroundAnEcho) {
    Log log;
    Recording server{logging_handler(log)};
    test::Client client{server.server_address};
    client.send("hello\n");
    client.close_write();

    server.handle_request();

    EXPECT_EQ(client.recv_until_eof(), "hello\n") << "the given handle() echoes what it receives";
    const std::string who = address_of(client);
    EXPECT_TRUE(log_is(log, {"open " + who, "close " + who + " bytes=6"}));
    EXPECT_TRUE(server.errors.empty()) << "handle_error() reported:" << show(server.errors);
}

// Writes to the log itself, so that the order of the three steps shows.
class Marking : public LoggingHandler {
public:
    using LoggingHandler::LoggingHandler;
    void handle() override {
        log.write("handle");
        LoggingHandler::handle();
    }
};

TEST(ConnectionLog, OpenComesBeforeHandleAndCloseAfter) {
    Log log;
    Recording server{logging_handler<Marking>(log)};
    test::Client client{server.server_address};
    client.send("0123456789");
    client.close_write();

    server.handle_request();

    EXPECT_EQ(client.recv_until_eof(), "0123456789");
    const std::string who = address_of(client);
    EXPECT_TRUE(log_is(log, {"open " + who, "handle", "close " + who + " bytes=10"}))
        << "(\"handle\" is written by handle(): setup() runs before it, finish() after it)";
}

TEST(ConnectionLog, AnEmptyConnectionIsLoggedToo) {
    Log log;
    Recording server{logging_handler(log)};
    test::Client client{server.server_address};
    client.close_write();

    server.handle_request();

    EXPECT_EQ(client.recv_until_eof(), "");
    const std::string who = address_of(client);
    EXPECT_TRUE(log_is(log, {"open " + who, "close " + who + " bytes=0"}));
}

// Reads everything the client sends (so that closing sends no reset), then
// throws what \p Thrown is.
template <class Thrown>
class Failing : public LoggingHandler {
public:
    using LoggingHandler::LoggingHandler;
    void handle() override {
        char buffer[256];
        while (std::size_t received = request.socket().recv(buffer)) {
            bytes_received += received;
        }
        throw Thrown{};
    }
};

struct HandlerBug : std::runtime_error {
    HandlerBug() : std::runtime_error("the handler failed on purpose") {}
};

TEST(ConnectionLog, ClosesWhenHandleThrows) {
    Log log;
    Recording server{logging_handler<Failing<HandlerBug>>(log)};
    test::Client client{server.server_address};
    client.send("abc");
    client.close_write();

    server.handle_request();

    EXPECT_TRUE(client.at_eof()) << "the server ends a failed request too";
    const std::string who = address_of(client);
    EXPECT_TRUE(log_is(log, {"open " + who, "close " + who + " bytes=3"}))
        << "(handle() threw after reading 3 bytes: the server still calls finish())";
    ASSERT_EQ(server.errors.size(), 1u)
        << "handle_error() should have reported handle()'s exception, once; it reported:"
        << show(server.errors);
    EXPECT_NE(server.errors[0].find("the handler failed on purpose"), std::string::npos)
        << "handle_error() should see the exception handle() threw, but saw: " << server.errors[0]
        << ". (Did finish() throw? Its exception would replace handle()'s.)";
}

TEST(ConnectionLog, ClosesWhenHandleStopsTheServer) {
    Log log;
    Recording server{logging_handler<Failing<ch03::SystemExit>>(log)};
    test::Client client{server.server_address};
    client.send("quit\n");
    client.close_write();

    EXPECT_THROW(server.handle_request(), ch03::SystemExit)
        << "SystemExit from handle() should leave handle_request(), after finish()";

    EXPECT_TRUE(client.at_eof());
    const std::string who = address_of(client);
    EXPECT_TRUE(log_is(log, {"open " + who, "close " + who + " bytes=5"}))
        << "(handle() threw SystemExit after reading 5 bytes: finish() runs all the same)";
    EXPECT_TRUE(server.errors.empty()) << "SystemExit is not reported as an error:"
                                       << show(server.errors);
}

TEST(ConnectionLog, EachConnectionHasItsOwnLines) {
    Log log;
    Recording server{logging_handler(log)};
    test::Client first{server.server_address};
    test::Client second{server.server_address};
    first.send("one");
    first.close_write();
    second.send("second");
    second.close_write();

    server.handle_request();
    server.handle_request();

    EXPECT_EQ(first.recv_until_eof(), "one");
    EXPECT_EQ(second.recv_until_eof(), "second");
    const std::string a = address_of(first);
    const std::string b = address_of(second);
    EXPECT_TRUE(log_is(log, {"open " + a, "close " + a + " bytes=3", "open " + b,
                             "close " + b + " bytes=6"}))
        << "(one handler per connection: its own client_address, its own bytes_received)";
}

// Reports the receive timeout the connection has when handle() starts.
class Inspecting : public LoggingHandler {
public:
    using LoggingHandler::LoggingHandler;
    void handle() override {
        timeval limit{};
        socklen_t size = sizeof limit;
        if (::getsockopt(request.socket().fd(), SOL_SOCKET, SO_RCVTIMEO, &limit, &size) != 0) {
            common::throw_system_error("getsockopt SO_RCVTIMEO");
        }
        log.write("SO_RCVTIMEO " + std::to_string(limit.tv_sec * 1000 + limit.tv_usec / 1000));
    }
};

// The receive timeout handle() saw, in milliseconds; empty if it did not run.
std::optional<long> timeout_seen(const Log& log) {
    const std::string prefix = "SO_RCVTIMEO ";
    for (const std::string& line : log.lines()) {
        if (line.rfind(prefix, 0) == 0) {
            return std::stol(line.substr(prefix.size()));
        }
    }
    return std::nullopt;
}

TEST(ConnectionLog, SetupSetsTheTimeout) {
    Log log;
    Recording server{logging_handler<Inspecting>(log, common::Seconds{0.5})};
    test::Client client{server.server_address};
    client.close_write();

    server.handle_request();

    std::optional<long> seen = timeout_seen(log);
    ASSERT_TRUE(seen) << "handle() did not run. Errors:" << show(server.errors);
    // The kernel keeps the timeout in clock ticks, and may round it up a little.
    EXPECT_TRUE(*seen >= 490 && *seen <= 520)
        << "with a timeout of 0.5 s, the connection's receive timeout should be 500 ms when "
           "handle() starts, but it is "
        << *seen << " ms (0: none). setup() sets it, with request.socket().set_timeout().";
}

TEST(ConnectionLog, SetupLeavesTheConnectionAloneWithoutATimeout) {
    Log log;
    Recording server{logging_handler<Inspecting>(log, std::nullopt)};
    test::Client client{server.server_address};
    client.close_write();

    server.handle_request();

    std::optional<long> seen = timeout_seen(log);
    ASSERT_TRUE(seen) << "handle() did not run. Errors:" << show(server.errors);
    EXPECT_EQ(*seen, 0) << "without a timeout, setup() should leave the connection as it is: "
                           "blocking, with no receive timeout (0 ms)";
}

TEST(ConnectionLog, ASilentClientTimesOut) {
    Log log;
    Recording server{logging_handler(log, common::Seconds{0.2})};
    test::Client silent{server.server_address};  // connects, never sends, never closes
    const std::string who = address_of(silent);

    test::BackgroundCall serving{[&] { server.handle_request(); }};
    bool returned = serving.finishes_within(common::Seconds{3.0});
    if (!returned) {
        silent.reset();  // the handler's recv() fails now, and handle_request() returns
        ASSERT_TRUE(serving.finishes_within()) << "(handle_request() never returned)";
    }
    serving.get();

    EXPECT_TRUE(returned)
        << "the handler's timeout was 0.2 s, but handle_request() was still waiting for a "
           "silent client after 3 s: setup() should set the connection's timeout";
    EXPECT_TRUE(log_is(log, {"open " + who, "close " + who + " bytes=0"}));
    ASSERT_EQ(server.errors.size(), 1u) << "handle_error() reported:" << show(server.errors);
    if (returned) {
        EXPECT_NE(server.errors[0].find("timed out"), std::string::npos)
            << "handle() should have failed with a timeout, but handle_error() saw: "
            << server.errors[0];
    }
}

}  // namespace
