// Poller and Waker: what lets shutdown() wake serve_forever() at once.
#include <chrono>
#include <future>
#include <limits>
#include <optional>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/poller.hpp"
#include "common/socket.hpp"
#include "common/waker.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/interrupt.hpp"

namespace {

using namespace sockserv;
using namespace std::chrono_literals;
using common::Poller;
using common::Socket;
using common::Waker;

std::pair<Socket, Socket> socket_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        throw std::system_error(errno, std::system_category(), "socketpair");
    }
    return {Socket{common::FileDescriptor{fds[0]}}, Socket{common::FileDescriptor{fds[1]}}};
}

// A far-off limit: a wait that is not woken fails the test long before it.
constexpr common::Seconds an_hour{3600.0};

TEST(Waker, NotifyWakesAWaitBlockedInAnotherThreadAtOnce) {
    Waker waker;
    std::promise<pid_t> waiter;
    bool woken = false;
    test::BackgroundCall waiting{[&] {
        waiter.set_value(test::current_thread_id());
        Poller poller{waker.fd()};
        woken = poller.wait(an_hour) && poller.readable(waker.fd());
    }};
    ASSERT_TRUE(test::wait_until_in_syscall(waiter.get_future().get(), test::poll_syscalls()));

    waker.notify();

    ASSERT_TRUE(waiting.finishes_within()) << "notify() did not wake the wait";
    EXPECT_TRUE(woken);
}

TEST(Waker, ANotifyBeforeTheWaitIsNotLost) {
    Waker waker;
    waker.notify();
    Poller poller{waker.fd()};

    EXPECT_TRUE(poller.wait(an_hour));
    EXPECT_TRUE(poller.readable(waker.fd()));
}

TEST(Waker, DrainConsumesEveryNotify) {
    Waker waker;
    waker.notify();
    waker.notify();
    waker.notify();

    waker.drain();

    Poller poller{waker.fd()};
    EXPECT_FALSE(poller.wait(0s)) << "still readable after drain()";
}

TEST(Waker, DrainWithNothingToDrainDoesNotBlock) {
    Waker waker;
    test::BackgroundCall draining{[&waker] { waker.drain(); }};

    EXPECT_TRUE(draining.finishes_within());
}

TEST(Poller, ReturnsFalseWhenTheTimeRunsOut) {
    auto [quiet, watched] = socket_pair();
    Poller poller{watched.fd()};
    auto start = std::chrono::steady_clock::now();

    EXPECT_FALSE(poller.wait(20ms));

    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
    EXPECT_FALSE(poller.readable(watched.fd()));
}

TEST(Poller, SaysWhichDescriptorIsReadable) {
    auto [writer, watched] = socket_pair();
    auto [idle, other] = socket_pair();
    Poller poller{other.fd(), watched.fd()};
    writer.send_all("x");

    ASSERT_TRUE(poller.wait(test::default_timeout));

    EXPECT_TRUE(poller.readable(watched.fd()));
    EXPECT_FALSE(poller.readable(other.fd()));
    EXPECT_FALSE(poller.readable(writer.fd())) << "not watched at all";
}

TEST(Poller, APeerThatHungUpCountsAsReadable) {
    // A read would report it (end of stream), so the loop must look.
    auto [gone, watched] = socket_pair();
    gone.close();
    Poller poller{watched.fd()};

    ASSERT_TRUE(poller.wait(test::default_timeout));
    EXPECT_TRUE(poller.readable(watched.fd()));
}

TEST(Poller, AnInfiniteTimeoutWaitsUntilReadable) {
    // Seconds{infinity} is a natural way to say "no limit"; it must not
    // overflow the clock arithmetic and come back at once.
    Waker waker;
    std::promise<pid_t> waiter;
    std::optional<bool> woken;
    test::BackgroundCall waiting{[&] {
        waiter.set_value(test::current_thread_id());
        Poller poller{waker.fd()};
        woken = poller.wait(common::Seconds{std::numeric_limits<double>::infinity()});
    }};
    ASSERT_TRUE(test::wait_until_in_syscall(waiter.get_future().get(), test::poll_syscalls()));

    waker.notify();

    ASSERT_TRUE(waiting.finishes_within());
    EXPECT_EQ(woken, std::optional<bool>{true}) << "the wait ended before the notify";
}

TEST(Poller, AWaitInterruptedByASignalGoesOnWaiting) {
    // The header's promise: EINTR does not end the wait early.
    test::CountingSignalHandler signals;
    Waker waker;
    std::promise<pid_t> waiter;
    std::optional<bool> woken;
    test::BackgroundCall waiting{[&] {
        waiter.set_value(test::current_thread_id());
        Poller poller{waker.fd()};
        woken = poller.wait(an_hour);
    }};
    const pid_t tid = waiter.get_future().get();
    ASSERT_TRUE(test::wait_until_in_syscall(tid, test::poll_syscalls()));

    signals.interrupt(waiting.native_handle());
    ASSERT_TRUE(signals.wait_for_count(1));
    ASSERT_TRUE(test::wait_until_in_syscall(tid, test::poll_syscalls())) << "the wait did not resume";
    waker.notify();

    ASSERT_TRUE(waiting.finishes_within());
    waiting.get();
    EXPECT_EQ(woken, std::optional<bool>{true});
}

}  // namespace
