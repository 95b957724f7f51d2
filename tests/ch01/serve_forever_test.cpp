// serve_forever() and shutdown(): the serving loop, and stopping it from
// any thread at any moment.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include "ch01/socketserver.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/interrupt.hpp"
#include "support/server_thread.hpp"
#include "test_handlers.hpp"

namespace {

using namespace sockserv;
using namespace std::chrono_literals;
using ch01::TCPServer;
using ch01_test::answers;
using ch01_test::loopback_any_port;
using ch01_test::UpperEcho;

// A poll interval no test could wait out: if shutdown() only took effect
// when the interval ran out, as in CPython, these tests would time out.
constexpr common::Seconds one_hour{3600.0};

TEST(ServeForever, ServesClientsOneAfterAnother) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::ServerThread serving{server};

    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(answers(server.server_address)) << "client " << i;
    }
}

TEST(ServeForever, ServesWithAVeryShortPollInterval) {
    // CPython's own tests run serve_forever(poll_interval=0.01): waking up
    // often must not disturb the serving.
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::ServerThread serving{server, 1ms};

    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(answers(server.server_address)) << "client " << i;
    }
}

TEST(ServeForever, ServesWithAnInfinitePollInterval) {
    // "Never wake up on your own": the loop still serves, and the
    // shutdown() in ServerThread's destructor still stops it.
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::ServerThread serving{server,
                               common::Seconds{std::numeric_limits<double>::infinity()}};

    EXPECT_TRUE(answers(server.server_address));
}

// Counts the handlers running at the same time, and remembers the most.
struct Concurrency {
    std::atomic<int> active{0};
    std::atomic<int> most{0};
};

// Echoes lines while keeping count in a Concurrency.
class CountedEcho : public UpperEcho {
public:
    CountedEcho(ch01::Request& request, const common::Address& client, ch01::BaseServer& server,
                Concurrency& count)
        : UpperEcho(request, client, server), count_(count) {}
    void handle() override {
        int now = ++count_.active;
        int most = count_.most;
        while (now > most && !count_.most.compare_exchange_weak(most, now)) {
        }
        UpperEcho::handle();
        --count_.active;
    }

private:
    Concurrency& count_;
};

TEST(ServeForever, ServesOneClientAtATime) {
    // Chapter 1's servers are synchronous: a client that arrives while
    // another is being served waits until that one is finished.
    Concurrency count;
    TCPServer server{loopback_any_port(),
                     [&count](ch01::Request& request, const common::Address& client,
                              ch01::BaseServer& server) {
                         return std::make_unique<CountedEcho>(request, client, server, count);
                     }};
    test::ServerThread serving{server};

    test::Client first{server.server_address};
    first.send("first\n");
    ASSERT_EQ(first.recv_line(), "FIRST\n");  // its handler is now running
    test::Client second{server.server_address};
    second.send("second\n");
    first.close_write();

    EXPECT_TRUE(first.at_eof());
    EXPECT_EQ(second.recv_line(), "SECOND\n");
    EXPECT_EQ(count.most, 1) << "two handlers ran at the same time";
}

TEST(Shutdown, StopsServeForeverRunningOnAnotherThread) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::BackgroundCall serving{[&server] { server.serve_forever(); }};
    ASSERT_TRUE(answers(server.server_address));  // the loop is running

    test::BackgroundCall stopping{[&server] { server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() did not return";
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() did not return";
}

TEST(Shutdown, ReturnsPromptlyWhateverThePollInterval) {
    // Better than CPython, where shutdown() waits for the poll interval
    // to run out: the loop is woken at once.
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};
    ASSERT_TRUE(answers(server.server_address));

    test::BackgroundCall stopping{[&server] { server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() waited for the poll interval";
    EXPECT_TRUE(serving.finishes_within());
}

TEST(Shutdown, WhileServeForeverWaitsForItsFirstClientStopsIt) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};

    test::BackgroundCall stopping{[&server] { server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within());
    EXPECT_TRUE(serving.finishes_within());
}

TEST(Shutdown, BeforeServeForeverReturnsAtOnceAndServeForeverThenReturnsAtOnce) {
    // In CPython this shutdown() would wait for a serve_forever() that
    // never comes. Here it returns, and the request is not lost: the next
    // serve_forever() stops at once (issue 2302's concern: shutdown must
    // always stop the serving thread, however the two race).
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};

    test::BackgroundCall stopping{[&server] { server.shutdown(); }};
    ASSERT_TRUE(stopping.finishes_within()) << "shutdown() waited for a serve_forever()";
    test::BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};

    if (!serving.finishes_within()) {
        ADD_FAILURE() << "serve_forever() ignored the earlier shutdown()";
        server.shutdown();  // it is serving now: let the test end
    }
}

TEST(Shutdown, TwentyServersStartedAndShutDownBackToBackNeverHang) {
    // CPython's test_shutdown (issue 2302): shutdown() right after the
    // serving thread starts, before or after it enters serve_forever(),
    // must always make that thread leave serve_forever().
    constexpr int count = 20;
    std::vector<std::unique_ptr<TCPServer>> servers;
    std::vector<std::unique_ptr<test::BackgroundCall>> serving;
    for (int i = 0; i < count; ++i) {
        servers.push_back(std::make_unique<TCPServer>(loopback_any_port(),
                                                      ch01::handler<UpperEcho>()));
        TCPServer& server = *servers.back();
        serving.push_back(std::make_unique<test::BackgroundCall>(
            [&server] { server.serve_forever(10ms); }));
        server.shutdown();
    }

    const auto deadline = std::chrono::steady_clock::now() + test::default_timeout;
    for (int i = 0; i < count; ++i) {
        common::Seconds left = deadline - std::chrono::steady_clock::now();
        if (!serving[i]->finishes_within(std::max(left, common::Seconds{0}))) {
            ADD_FAILURE() << "server " << i << " ignored its shutdown()";
            servers[i]->shutdown();  // it is serving now: let the test end
        }
    }
}

// Calls shutdown() from inside handle(), then answers.
class ShutdownFromHandler : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        server.shutdown();
        request.send_all("stopping\n");
    }
};

TEST(Shutdown, CalledFromInsideAHandlerDoesNotDeadlock) {
    // shutdown() waits for serve_forever() to return; called on
    // serve_forever()'s own thread it must not wait for itself.
    TCPServer server{loopback_any_port(), ch01::handler<ShutdownFromHandler>()};
    test::BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};

    test::Client client{server.server_address};

    EXPECT_EQ(client.recv_line(), "stopping\n") << "the handler never got past shutdown()";
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() went on after the request";
}

TEST(Shutdown, ServeForeverCanServeAgainAfterShutdown) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    {
        test::ServerThread serving{server};
        ASSERT_TRUE(answers(server.server_address));
    }  // shut down and joined

    test::ServerThread serving_again{server};

    EXPECT_TRUE(answers(server.server_address));
}

TEST(Shutdown, LetsTheRequestInProgressFinish) {
    // shutdown() stops the loop between requests: the client being served
    // when it is called is served to the end (the demo's SIGINT relies on it).
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};
    test::Client client{server.server_address};
    client.send("before\n");
    ASSERT_EQ(client.recv_line(), "BEFORE\n");  // the handler is running

    std::promise<pid_t> stopper;
    test::BackgroundCall stopping{[&] {
        stopper.set_value(test::current_thread_id());
        server.shutdown();
    }};
    // Only go on once shutdown() is waiting (in a futex) for the loop to end.
    ASSERT_TRUE(test::wait_until_in_syscall(stopper.get_future().get(), {SYS_futex}));
    client.send("after\n");

    EXPECT_EQ(client.recv_line(), "AFTER\n");
    client.close_write();
    EXPECT_TRUE(client.at_eof());
    EXPECT_TRUE(stopping.finishes_within());
    EXPECT_TRUE(serving.finishes_within());
}

}  // namespace
