// Tests of exercise 5.2: ThreadReaper::start() and reap()
// (exercises/ch05/reaper.cpp).
//
// First the reaper on its own: work the test controls (a piece of work
// can be made to wait at a gate the test opens), and size() to see how
// many threads are kept. Then ReapingTCPServer, the given server built on
// it, with real clients on loopback. A thread's "finished" mark comes a
// moment after its work has returned, and nothing outside the reaper can
// wait for that moment: where a test needs it, it calls reap() again until
// the count is right or a time limit has passed.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ch05/socketserver.hpp"
#include "reaper.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/server_thread.hpp"

namespace {

using namespace sockserv;
using ch05::exercises::ReapingTCPServer;
using ch05::exercises::ThreadReaper;
using test::printable;
using namespace std::chrono_literals;

// Counts the pieces of work that have run, and holds back those that are
// asked to wait until the test opens the gate.
class Works {
public:
    std::function<void()> quick() {
        return [this] { ran(); };
    }
    std::function<void()> held() {
        return [this] {
            std::unique_lock lock{mutex_};
            changed_.wait_for(lock, test::default_timeout, [this] { return open_; });
            lock.unlock();
            ran();
        };
    }
    bool wait_until_ran(int count) {
        std::unique_lock lock{mutex_};
        return changed_.wait_for(lock, test::default_timeout, [&] { return ran_ >= count; });
    }
    void open() {
        std::lock_guard lock{mutex_};
        open_ = true;
        changed_.notify_all();
    }

private:
    void ran() {
        std::lock_guard lock{mutex_};
        ++ran_;
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    int ran_ = 0;
    bool open_ = false;
};

// Opens the gate when a test ends, however it ends, before the reaper's
// destructor joins (declare it after the reaper).
struct OpenOnExit {
    Works& works;
    ~OpenOnExit() { works.open(); }
};

// Calls reap() until size() is \p expected, for at most \p limit; returns
// the last size seen.
std::size_t reap_until(ThreadReaper& reaper, std::size_t expected,
                       std::chrono::milliseconds limit = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        reaper.reap();
        std::size_t now = reaper.size();
        if (now == expected || std::chrono::steady_clock::now() >= deadline) {
            return now;
        }
        std::this_thread::yield();
    }
}

TEST(Reaper, StartRunsTheWorkOnAThread) {
    ThreadReaper reaper;
    Works works;
    OpenOnExit open_on_exit{works};
    reaper.start(works.held());
    reaper.start(works.quick());
    EXPECT_TRUE(works.wait_until_ran(1))
        << "the first piece of work waits for the test; the second should run meanwhile, on a "
           "thread of its own";
    works.open();
    EXPECT_TRUE(works.wait_until_ran(2));
}

TEST(Reaper, ReapJoinsTheFinishedThreads) {
    ThreadReaper reaper;
    Works works;
    for (int i = 0; i < 5; ++i) {
        reaper.start(works.quick());
    }
    ASSERT_TRUE(works.wait_until_ran(5));
    // Each start() may have reaped some already; no one else reaps here.
    const std::size_t kept = reaper.size();
    std::size_t joined = 0;
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (joined < kept && std::chrono::steady_clock::now() < deadline) {
        joined += reaper.reap();
        std::this_thread::yield();
    }
    EXPECT_EQ(joined, kept)
        << "the 5 threads have finished their work, " << kept << " of them were still kept, "
        << "and reap() was called again and again for 3 s: together those calls should have "
           "joined all " << kept << ", and said so. A thread writes its number in finished_ "
           "once its work is done; reap() joins the threads listed there";
    EXPECT_EQ(reaper.size(), 0u) << "every finished thread reaped: none should be kept";
    EXPECT_EQ(reaper.reap(), 0u) << "nothing is left to reap";
}

TEST(Reaper, ReapLeavesRunningThreadsAlone) {
    ThreadReaper reaper;
    Works works;
    OpenOnExit open_on_exit{works};
    reaper.start(works.held());
    for (int i = 0; i < 3; ++i) {
        reaper.start(works.quick());
    }
    ASSERT_TRUE(works.wait_until_ran(3));
    std::size_t left = 0;
    {
        test::BackgroundCall reaping{[&] { left = reap_until(reaper, 1); }, "reap()"};
        if (!reaping.finishes_within(common::Seconds{5.0})) {
            works.open();
            FAIL() << "reap() did not return while one thread was still running its work: it "
                      "should join only the threads that have finished, and leave the others";
        }
    }
    EXPECT_EQ(left, 1u) << "3 threads have finished and 1 is still running: reap() should "
                           "leave only the running one kept";
    works.open();
    EXPECT_TRUE(works.wait_until_ran(4));
    EXPECT_EQ(reap_until(reaper, 0), 0u)
        << "the last thread has finished too: reap() should join it";
}

TEST(Reaper, TheThreadsKeptDoNotGrowWithTheWorkDone) {
    ThreadReaper reaper;
    Works works;
    std::size_t most = 0;
    int done = 0;
    for (int i = 1; i <= 2000; ++i, ++done) {
        reaper.start(works.quick());
        most = std::max(most, reaper.size());
        ASSERT_TRUE(works.wait_until_ran(i));
        if (most > 100) {
            break;  // failed already: no need for 2000 threads to show it
        }
    }
    EXPECT_LE(most, 100u)
        << done + 1 << " pieces of work, one after the other, each done before the next "
        << "started, yet " << most << " threads were kept at once: start() should reap the finished ones before "
        << "it starts another (a server that has served a million requests must not keep a "
           "million threads)";
    EXPECT_EQ(reap_until(reaper, 0), 0u) << "all of them are done: reap() should leave none";
}

TEST(Reaper, JoinAllWaitsForTheRunningThreads) {
    ThreadReaper reaper;
    Works works;
    OpenOnExit open_on_exit{works};
    reaper.start(works.held());
    reaper.start(works.quick());
    test::BackgroundCall joining{[&] { reaper.join_all(); }, "join_all()"};
    EXPECT_FALSE(joining.finishes_within(common::Seconds{0.2}))
        << "join_all() returned while a thread was still running its work";
    works.open();
    EXPECT_TRUE(joining.finishes_within());
    EXPECT_EQ(reaper.size(), 0u);
}

TEST(Reaper, AThreadJoinedByJoinAllIsNotReapedAgain) {
    ThreadReaper reaper;
    Works works;
    OpenOnExit open_on_exit{works};
    reaper.start(works.held());
    {
        // The thread finishes while join_all() waits for it: its number
        // reaches finished_ after join_all() has taken it out of threads_.
        test::BackgroundCall joining{[&] { reaper.join_all(); }, "join_all()"};
        works.open();
        ASSERT_TRUE(joining.finishes_within());
    }
    std::size_t joined = 99;
    try {
        joined = reaper.reap();
    } catch (const std::exception& error) {
        FAIL() << "reap() threw " << printable(error.what())
               << ": a number in finished_ may belong to a thread join_all() has joined "
                  "already; it is not in threads_ any more, and reap() should drop it";
    }
    EXPECT_EQ(joined, 0u) << "that thread was joined by join_all(): nothing is left to reap";
    reaper.start(works.quick());
    EXPECT_TRUE(works.wait_until_ran(2));
    EXPECT_EQ(reap_until(reaper, 0), 0u) << "the reaper should go on working after join_all()";
}

// ---------------------------------------------------------------------------
// ReapingTCPServer, with clients

// Echoes lines until the client closes; a silent client is given up after
// the tests' time limit.
class LineEcho : public ch05::StreamRequestHandler {
public:
    using StreamRequestHandler::StreamRequestHandler;
    void setup() override {
        timeout = test::default_timeout;
        StreamRequestHandler::setup();
    }
    void handle() override {
        for (std::string line = rfile.readline(); !line.empty(); line = rfile.readline()) {
            wfile.write(line);
        }
    }
};

common::Address loopback() { return common::Address::inet("127.0.0.1", 0); }

TEST(ReapingServer, ThousandsOfRequestsLeaveFewThreads) {
    ReapingTCPServer server{loopback(), ch05::handler<LineEcho>()};
    test::ServerThread serving{server};
    std::size_t most = 0;
    int served = 0;
    for (int i = 0; i < 1000; ++i, ++served) {
        test::Client client{server.server_address};
        client.send("ping\n");
        ASSERT_EQ(client.recv_line(), "ping\n");
        client.close_write();
        ASSERT_EQ(client.recv_until_eof(), "");
        most = std::max(most, server.threads.size());
        if (most > 100) {
            break;  // failed already
        }
    }
    EXPECT_LE(most, 100u)
        << served + 1 << " clients, one after the other, yet the server kept " << most
        << " request threads at once: each new request's start() should reap the threads of "
           "the requests that are over";
}

TEST(ReapingServer, ReapingDoesNotWaitForASilentClient) {
    ReapingTCPServer server{loopback(), ch05::handler<LineEcho>()};
    test::ServerThread serving{server};
    test::Client silent{server.server_address};
    silent.send("first\n");
    ASSERT_EQ(silent.recv_line(), "first\n");
    // The silent client's thread now waits for a line that does not come.
    for (int i = 0; i < 3; ++i) {
        test::Client other{server.server_address, common::Seconds{3.0}};
        std::string reply;
        try {
            other.send("hello\n");
            reply = other.recv_line();
        } catch (const std::exception& error) {
            FAIL() << "client " << i + 2 << " waited 3 s for its echo while the first client, "
                   << "still connected, sent nothing: " << error.what()
                   << ". start() reaps before each new request: reap() must join only the "
                      "finished threads, never one still serving its client";
        }
        EXPECT_EQ(reply, "hello\n");
    }
    silent.send("again\n");
    EXPECT_EQ(silent.recv_line(), "again\n");
}

}  // namespace
