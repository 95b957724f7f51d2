/// \file
/// \brief The hooks of the two serving loops. handle_request() waits at most
/// `timeout` (for ever when it is empty, Python's None) and calls
/// handle_timeout() when nothing came; serve_forever() ignores `timeout`
/// and calls service_actions() once per pass of its loop: after each
/// request, and after each poll_interval without one, but not after the
/// wait that saw shutdown().
/// From chapter 3 on: tests/features/suites.cmake runs it on every later chapter.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/types.h>

#include "common/poller.hpp"
#include "features/lifecycle_helpers.hpp"
#include "support/background_call.hpp"
#include "support/handlers.hpp"
#include "support/interrupt.hpp"
#include "support/recording.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

// A poll interval or timeout so short that a loop honouring it passes many
// times while a test waits.
constexpr common::Seconds one_millisecond{0.001};

template <class Server>
class ServingLoop : public ServerTest<Server> {
protected:
    // Starts handle_request() on a thread of its own and returns once that
    // thread is waiting in poll(2) for a request.
    std::unique_ptr<BackgroundCall> handle_request_waiting() {
        // Shared with the thread, which may still be leaving set_value()
        // when this function returns.
        auto waiting_thread = std::make_shared<std::promise<pid_t>>();
        auto call = std::make_unique<BackgroundCall>([this, waiting_thread] {
            waiting_thread->set_value(current_thread_id());
            server.handle_request();
        });
        EXPECT_TRUE(wait_until_in_syscall(waiting_thread->get_future().get(),
                                                poll_syscalls()))
            << "handle_request() is not waiting in poll(2)";
        return call;
    }

    Plan plan;  // the handlers do nothing but answer
    Observed<Server> server{this->server_address(), lifecycle<Server>(plan)};
};
TYPED_TEST_SUITE_P(ServingLoop);

TYPED_TEST_P(ServingLoop, TimeoutIsEmptyByDefaultAsPythonsNone) {
    EXPECT_FALSE(this->server.timeout.has_value());
}

TYPED_TEST_P(ServingLoop, HandleRequestCallsHandleTimeoutAndReturnsWhenNoRequestComesInTime) {
    auto& server = this->server;
    server.timeout = common::Seconds{0.05};

    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(serve_one(server));
    const common::Seconds waited = std::chrono::steady_clock::now() - started;

    EXPECT_GE(waited.count(), 0.05) << "handle_request() did not wait for the timeout";
    EXPECT_EQ(server.hooks(), (Hooks{"server_bind", "server_activate", "handle_timeout"}));
    // Each call waits and times out anew.
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(server.count("handle_timeout"), 2u);
}

TYPED_TEST_P(ServingLoop, AZeroTimeoutTimesOutAtOnceButServesARequestAlreadyWaiting) {
    // Python's timeout 0: look once, do not wait.
    auto& server = this->server;
    server.timeout = common::Seconds{0};

    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(server.count("handle_timeout"), 1u);

    auto peer = this->client(server.server_address);
    peer->request("hello\n");
    // The kernel may still be delivering the request when connect() or
    // sendto() returns: wait until the server's socket has it.
    ASSERT_TRUE(common::Poller{server.fileno()}.wait(default_timeout));
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(peer->reply(), "handled\n");
    EXPECT_EQ(server.count("handle_timeout"), 1u);
    EXPECT_EQ(server.count("handle"), 1u);
}

TYPED_TEST_P(ServingLoop, HandleRequestServesARequestThatComesWhileItWaitsWithOrWithoutATimeout) {
    // No timeout waits for ever; a timeout longer than the client takes
    // does not run out. Either way the request is served and
    // handle_timeout() is not called.
    auto& server = this->server;
    for (std::optional<common::Seconds> timeout : {std::optional<common::Seconds>{},
                                                   std::optional{default_timeout}}) {
        SCOPED_TRACE(timeout ? "timeout 10 s" : "no timeout");
        server.timeout = timeout;
        const auto handled_before = server.count("handle");
        auto serving = this->handle_request_waiting();
        EXPECT_FALSE(serving->finishes_within(common::Seconds{0})) << "returned with no client";

        auto peer = this->client(server.server_address);
        peer->request("late\n");

        EXPECT_EQ(peer->reply(), "handled\n");
        EXPECT_TRUE(serving->finishes_within()) << "handle_request() did not return";
        EXPECT_EQ(server.count("handle"), handled_before + 1);
    }
    EXPECT_EQ(server.count("handle_timeout"), 0u);
}

TYPED_TEST_P(ServingLoop, ASignalDuringHandleRequestsWaitDoesNotEndIt) {
    // poll(2) interrupted by a signal returns early with EINTR: the wait
    // must go on towards the same deadline, not count as timed out.
    auto& server = this->server;
    server.timeout = default_timeout;
    CountingSignalHandler signals;
    std::promise<pid_t> waiting_thread;
    BackgroundCall serving{[&] {
        waiting_thread.set_value(current_thread_id());
        server.handle_request();
    }};
    const pid_t tid = waiting_thread.get_future().get();
    ASSERT_TRUE(wait_until_in_syscall(tid, poll_syscalls()));

    signals.interrupt(serving.native_handle());
    ASSERT_TRUE(signals.wait_for_count(1));
    auto peer = this->client(server.server_address);
    peer->request("after the signal\n");

    EXPECT_EQ(peer->reply(), "handled\n");
    EXPECT_TRUE(serving.finishes_within());
    EXPECT_EQ(server.count("handle_timeout"), 0u);
}

TYPED_TEST_P(ServingLoop, ServeForeverIgnoresTimeout) {
    // With a timeout of 1 ms and a poll interval of an hour, a loop that
    // used the timeout would pass (and call handle_timeout()) every
    // millisecond; serve_forever() passes once per request, and never
    // calls handle_timeout().
    auto& server = this->server;
    server.timeout = one_millisecond;
    ServerThread serving{server, one_hour};

    for (int i = 1; i <= 2; ++i) {
        auto peer = this->client(server.server_address);
        peer->request("hello\n");
        EXPECT_EQ(peer->reply(), "handled\n");
        ASSERT_TRUE(server.wait_for("service_actions", i));
    }
    serving.stop();

    EXPECT_EQ(server.count("handle_timeout"), 0u);
    EXPECT_EQ(server.count("service_actions"), 2u);
}

TYPED_TEST_P(ServingLoop, ServiceActionsRunsAfterEveryPollIntervalWhileNoRequestComes) {
    auto& server = this->server;
    ServerThread serving{server, one_millisecond};

    EXPECT_TRUE(server.wait_for("service_actions", 5))
        << "service_actions() was called " << server.count("service_actions") << " times";
    serving.stop();
    EXPECT_EQ(server.count("get_request"), 0u);
}

REGISTER_TYPED_TEST_SUITE_P(ServingLoop,
                            ASignalDuringHandleRequestsWaitDoesNotEndIt,
                            TimeoutIsEmptyByDefaultAsPythonsNone,
                            HandleRequestCallsHandleTimeoutAndReturnsWhenNoRequestComesInTime,
                            AZeroTimeoutTimesOutAtOnceButServesARequestAlreadyWaiting,
                            HandleRequestServesARequestThatComesWhileItWaitsWithOrWithoutATimeout,
                            ServeForeverIgnoresTimeout,
                            ServiceActionsRunsAfterEveryPollIntervalWhileNoRequestComes);

// service_actions() after the request's last hook: so only where the
// request is served on the loop's own thread. A Threading server's loop
// calls it once the request's thread has started.
template <class Server>
class ServiceActionsAfterTheRequest : public ServingLoop<Server> {};
TYPED_TEST_SUITE_P(ServiceActionsAfterTheRequest);

TYPED_TEST_P(ServiceActionsAfterTheRequest, ServiceActionsRunsOnceAfterEachRequestAndNotAfterShutdown) {
    // With a poll interval of an hour, every pass of the loop is a request
    // or the shutdown: service_actions() follows each request's last hook,
    // and the pass that saw shutdown() ends the loop without calling it.
    auto& server = this->server;
    ServerThread serving{server, one_hour};
    Hooks expected = bound;

    for (int i = 1; i <= 3; ++i) {
        auto peer = this->client(server.server_address);
        peer->request("request " + std::to_string(i) + "\n");
        EXPECT_EQ(peer->reply(), "handled\n");
        ASSERT_TRUE(server.wait_for("service_actions", i));
        expected.insert(expected.end(), served.begin(), served.end());
        expected.push_back("service_actions");
        EXPECT_EQ(server.hooks(), expected) << "after request " << i;
    }
    serving.stop();

    EXPECT_EQ(server.hooks(), expected);
}

REGISTER_TYPED_TEST_SUITE_P(ServiceActionsAfterTheRequest,
                            ServiceActionsRunsOnceAfterEachRequestAndNotAfterShutdown);

}  // namespace sockserv::test
