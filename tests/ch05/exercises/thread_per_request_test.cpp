// Tests of exercise 5.1: ThreadPerRequestServer's process_request(),
// serve_request() and server_close() (exercises/ch05/thread_per_request.cpp).
//
// A real server on loopback, serve_forever() on a thread of its own, and
// test clients. The server is a subclass that writes down on which thread
// each hook ran, so that a test can tell "served on the serving loop's
// thread" from "served on a request thread". Every wait has a time limit;
// a handler that must stay busy waits at a gate the test opens, and the
// gate opens by itself when a test ends early, so that nothing is left
// waiting for ever.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ch05/socketserver.hpp"
#include "common/error.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/probe.hpp"
#include "support/server_thread.hpp"
#include "thread_per_request.hpp"

namespace {

using namespace sockserv;
using ch05::exercises::ThreadPerRequestServer;
using test::printable;
using namespace std::chrono_literals;

// A door that handlers wait at until the test opens it; it remembers how
// many have arrived, so that the test can wait for them.
class Gate {
public:
    void arrive_and_wait() {
        std::unique_lock lock{mutex_};
        ++arrived_;
        changed_.notify_all();
        changed_.wait_for(lock, test::default_timeout, [this] { return open_; });
    }
    bool wait_for_arrivals(int count) {
        std::unique_lock lock{mutex_};
        return changed_.wait_for(lock, test::default_timeout,
                                 [&] { return arrived_ >= count; });
    }
    void open() {
        std::lock_guard lock{mutex_};
        open_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int arrived_ = 0;
    bool open_ = false;
};

// Opens the gate when the test ends, however it ends: declared after the
// ServerThread, it is destroyed first, so no handler still waits at the gate
// when the serving loop is asked to stop.
struct OpenOnExit {
    Gate& gate;
    ~OpenOnExit() { gate.open(); }
};

// What a handler does depends on the first line its client sends:
//   "fail"  throws std::runtime_error("failed on purpose")
//   "exit"  throws ch05::SystemExit
//   "wait"  waits at the server's gate, then answers "finished"
//   "bye"   answers "bye" and returns without reading more
//   else    echoes that line and every later one, until the client closes
class Scripted : public ch05::StreamRequestHandler {
public:
    using StreamRequestHandler::StreamRequestHandler;
    void setup() override {
        timeout = test::default_timeout;  // a silent client cannot hold a thread for ever
        StreamRequestHandler::setup();
    }
    void handle() override;
};

// The server under test, writing down the thread of every hook call.
class Recorded : public ThreadPerRequestServer {
public:
    Recorded()
        : ThreadPerRequestServer{common::Address::inet("127.0.0.1", 0),
                                 ch05::handler<Scripted>()} {}
    // Before the members below are destroyed, no request thread may run:
    // they call this object's hooks (the header says why this is needed).
    ~Recorded() override { server_close(); }

    Recorded(const Recorded&) = delete;
    Recorded& operator=(const Recorded&) = delete;

    void process_request(ch05::Request& request, const common::Address& client_address) override {
        {
            std::lock_guard lock{mutex_};
            loop_thread_ = std::this_thread::get_id();
        }
        ThreadPerRequestServer::process_request(request, client_address);
        std::lock_guard lock{mutex_};
        ++returned_;
        changed_.notify_all();
    }
    void handle_error(ch05::Request&, const common::Address&) override {
        std::lock_guard lock{mutex_};
        events_.push_back({"handle_error(" + common::describe_current_exception() + ")",
                           std::this_thread::get_id()});
        changed_.notify_all();
    }
    void shutdown_request(ch05::Request& request) override {
        {
            std::lock_guard lock{mutex_};
            events_.push_back({"shutdown_request", std::this_thread::get_id()});
            changed_.notify_all();
        }
        ThreadPerRequestServer::shutdown_request(request);
    }

    struct Event {
        std::string what;
        std::thread::id thread;
    };
    // Waits (with the tests' limit) for \p count events, and returns them all.
    std::vector<Event> events(std::size_t count) {
        std::unique_lock lock{mutex_};
        changed_.wait_for(lock, test::default_timeout, [&] { return events_.size() >= count; });
        return events_;
    }
    // Waits at most \p limit for process_request() to have returned \p count times.
    bool process_request_returned(int count, std::chrono::milliseconds limit) {
        std::unique_lock lock{mutex_};
        return changed_.wait_for(lock, limit, [&] { return returned_ >= count; });
    }
    std::thread::id loop_thread() {
        std::lock_guard lock{mutex_};
        return loop_thread_;
    }

    Gate gate;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Event> events_;
    std::thread::id loop_thread_;
    int returned_ = 0;
};

void Scripted::handle() {
    std::string line = rfile.readline();
    if (line == "fail\n") {
        throw std::runtime_error("failed on purpose");
    }
    if (line == "exit\n") {
        throw ch05::SystemExit{3};
    }
    if (line == "wait\n") {
        dynamic_cast<Recorded&>(server).gate.arrive_and_wait();
        wfile.write("finished\n");
        return;
    }
    if (line == "bye\n") {
        wfile.write("bye\n");
        return;
    }
    while (!line.empty()) {
        wfile.write(line);
        line = rfile.readline();
    }
}

// The client sends \p line and reads the echo, with \p client's time limit.
testing::AssertionResult echoes(test::Client& client, const std::string& line,
                                const std::string& why) {
    std::string reply;
    try {
        client.send(line);
        reply = client.recv_line();
    } catch (const std::exception& error) {
        return testing::AssertionFailure() << "a client sent " << printable(line)
                                           << " and waited for its echo, but: " << error.what()
                                           << ". " << why;
    }
    if (reply != line) {
        return testing::AssertionFailure() << "a client sent " << printable(line)
                                           << " and received " << printable(reply);
    }
    return testing::AssertionSuccess();
}

const char* const hand_it_to_a_thread =
    "process_request() should move the request into a new thread and return at once, so that "
    "the serving loop goes back to accepting while that thread serves the client.";

TEST(ThreadPerRequest, ASilentClientDoesNotHoldUpAnother) {
    Recorded server;
    test::ServerThread serving{server};
    test::Client silent{server.server_address};
    ASSERT_TRUE(echoes(silent, "first\n", "The server should answer its first client."));
    // That connection is now in its handler, waiting for a next line that
    // does not come yet.
    test::Client other{server.server_address, common::Seconds{3.0}};
    EXPECT_TRUE(echoes(other, "hello\n",
                       std::string{"A first client, still connected, sends nothing, and the "
                                   "server serves nobody else meanwhile: one connection at a "
                                   "time, as in chapter 4. "} +
                           hand_it_to_a_thread));
    EXPECT_TRUE(echoes(silent, "again\n", "The first client's connection should still be served."));
}

TEST(ThreadPerRequest, SixteenClientsServedSideBySide) {
    Recorded server;
    test::ServerThread serving{server};
    const std::string why =
        "Every client before this one is still connected, and its handler waits for its next "
        "line: 16 clients are served at once, each on its own thread.";
    std::vector<std::unique_ptr<test::Client>> clients;
    for (int i = 0; i < 16; ++i) {
        try {
            clients.push_back(
                std::make_unique<test::Client>(server.server_address, common::Seconds{3.0}));
        } catch (const std::exception& error) {
            FAIL() << "client " << i << " could not connect: " << error.what() << ". " << why;
        }
        ASSERT_TRUE(echoes(*clients.back(), "client " + std::to_string(i) + "\n", why));
    }
    // Now the other way round: the last to connect asks first.
    for (int i = 15; i >= 0; --i) {
        ASSERT_TRUE(echoes(*clients[static_cast<std::size_t>(i)],
                           "again " + std::to_string(i) + "\n", why));
    }
}

TEST(ThreadPerRequest, AnErrorGoesToHandleErrorOnTheRequestThread) {
    Recorded server;
    test::ServerThread serving{server};
    {
        test::Client client{server.server_address};
        client.send("fail\n");
        EXPECT_EQ(client.recv_until_eof(), "")
            << "the handler threw: the client should see the connection end, with nothing sent";
    }
    auto events = server.events(2);
    ASSERT_GE(events.size(), 2u)
        << "the handler threw std::runtime_error: handle_error() and then shutdown_request() "
           "should have been called";
    EXPECT_EQ(events[0].what, "handle_error(std::runtime_error: failed on purpose)")
        << "the first hook after the handler threw should be handle_error(), called inside "
           "the catch block, where it sees the exception";
    EXPECT_EQ(events[1].what, "shutdown_request") << "after handle_error(), shutdown_request()";
    EXPECT_NE(events[0].thread, server.loop_thread())
        << "handle_error() ran on the serving loop's thread: the request was served there, "
           "not on a thread of its own. "
        << hand_it_to_a_thread;
    EXPECT_EQ(events[0].thread, events[1].thread)
        << "handle_error() and shutdown_request() belong on the request's thread, one after "
           "the other";
    test::Client next{server.server_address};
    EXPECT_TRUE(echoes(next, "still there?\n", "After an error, the server goes on serving."));
}

TEST(ThreadPerRequest, EveryRequestIsShutDownOnItsThread) {
    Recorded server;
    test::ServerThread serving{server};
    test::Client client{server.server_address};
    client.send("bye\n");
    EXPECT_EQ(client.recv_until_eof(), "bye\n")
        << "the handler said \"bye\" and returned: the client should read that, then the end";
    auto events = server.events(1);
    ASSERT_EQ(events.size(), 1u)
        << "a request that ended without an error gets exactly one shutdown_request() and no "
           "handle_error(): the request thread calls it once the handler has returned";
    EXPECT_EQ(events[0].what, "shutdown_request");
    EXPECT_NE(events[0].thread, server.loop_thread())
        << "shutdown_request() ran on the serving loop's thread. " << hand_it_to_a_thread;
}

TEST(ThreadPerRequest, SystemExitEndsOnlyItsRequest) {
    Recorded server;
    test::ServerThread serving{server};
    {
        test::Client client{server.server_address};
        client.send("exit\n");
        EXPECT_EQ(client.recv_until_eof(), "")
            << "the handler threw SystemExit: the connection should end, with nothing sent";
    }
    auto events = server.events(1);
    ASSERT_FALSE(events.empty()) << "the request should still be shut down after SystemExit";
    EXPECT_EQ(events[0].what, "shutdown_request")
        << "SystemExit is no std::exception: not for handle_error(). On a request thread, "
           "as in CPython, it ends that request quietly";
    test::Client next{server.server_address, common::Seconds{3.0}};
    EXPECT_TRUE(echoes(next, "and now?\n",
                       "SystemExit on a request thread must not stop the server, nor the "
                       "program: serve_request() lets nothing escape."));
}

TEST(ThreadPerRequest, ServerCloseClosesTheSocketThenWaits) {
    Recorded server;
    test::ServerThread serving{server};
    OpenOnExit open_on_exit{server.gate};
    test::Client client{server.server_address};
    client.send("wait\n");
    ASSERT_TRUE(server.gate.wait_for_arrivals(1)) << "the handler never started";
    if (!server.process_request_returned(1, 3000ms)) {
        server.gate.open();
        FAIL() << "process_request() had not returned 3 s after its handler started, and the "
                  "handler is waiting for the test: "
               << hand_it_to_a_thread;
    }
    serving.stop();  // serve_forever() is over; the request thread still waits

    const common::Address address = server.server_address;
    test::BackgroundCall closing{[&server] { server.server_close(); }, "server_close()"};
    // The listening socket goes first: a new client is soon refused.
    std::error_code connecting = test::connect_error(address);
    for (auto deadline = std::chrono::steady_clock::now() + test::default_timeout;
         connecting != std::errc::connection_refused && std::chrono::steady_clock::now() < deadline;
         connecting = test::connect_error(address)) {
        std::this_thread::yield();
    }
    EXPECT_EQ(connecting, std::errc::connection_refused)
        << "while server_close() waited for a request thread, new clients could still "
           "connect: close the listening socket first, then join";
    EXPECT_FALSE(closing.finishes_within(common::Seconds{0.2}))
        << "server_close() returned while a request thread was still serving its client: it "
           "should join every thread it started";
    server.gate.open();
    EXPECT_TRUE(closing.finishes_within())
        << "the request thread finished, yet server_close() did not return";
    EXPECT_EQ(client.recv_until_eof(), "finished\n")
        << "the request that was in progress when server_close() was called should finish "
           "and reach its client";
}

}  // namespace
