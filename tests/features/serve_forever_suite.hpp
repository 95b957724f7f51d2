/// \file
/// \brief serve_forever() and shutdown(), as chapter 1 made them: the
/// serving loop, and stopping it from any thread at any moment.
/// `ServeForever` and `Shutdown`, over every chapter's TCP classes.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/interrupt.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class ServeForever : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(ServeForever);

template <class Server>
class Shutdown : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(Shutdown);

TYPED_TEST_P(ServeForever, ServesClientsOneAfterAnother) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    ServerThread serving{server};

    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(answers_line(server.server_address)) << "client " << i;
    }
}

TYPED_TEST_P(ServeForever, ServesWithAVeryShortPollInterval) {
    // CPython's own tests run serve_forever(poll_interval=0.01): waking up
    // often must not disturb the serving.
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    ServerThread serving{server, std::chrono::milliseconds(1)};

    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(answers_line(server.server_address)) << "client " << i;
    }
}

TYPED_TEST_P(ServeForever, ServesWithAnInfinitePollInterval) {
    // "Never wake up on your own": the loop still serves, and the
    // shutdown() in ServerThread's destructor still stops it.
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    ServerThread serving{server,
                          common::Seconds{std::numeric_limits<double>::infinity()}};

    EXPECT_TRUE(answers_line(server.server_address));
}

TYPED_TEST_P(Shutdown, StopsServeForeverRunningOnAnotherThread) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    BackgroundCall serving{[&server] { server.serve_forever(); }};
    ASSERT_TRUE(answers_line(server.server_address));  // the loop is running

    BackgroundCall stopping{[&server] { server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() did not return";
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() did not return";
}

TYPED_TEST_P(Shutdown, ReturnsPromptlyWhateverThePollInterval) {
    // Better than CPython, where shutdown() waits for the poll interval
    // to run out: the loop is woken at once.
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};
    ASSERT_TRUE(answers_line(server.server_address));

    BackgroundCall stopping{[&server] { server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() waited for the poll interval";
    EXPECT_TRUE(serving.finishes_within());
}

TYPED_TEST_P(Shutdown, WhileServeForeverWaitsForItsFirstClientStopsIt) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};

    BackgroundCall stopping{[&server] { server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within());
    EXPECT_TRUE(serving.finishes_within());
}

TYPED_TEST_P(Shutdown, BeforeServeForeverReturnsAtOnceAndServeForeverThenReturnsAtOnce) {
    // In CPython this shutdown() would wait for a serve_forever() that
    // never comes. Here it returns, and the request is not lost: the next
    // serve_forever() stops at once (issue 2302's concern: shutdown must
    // always stop the serving thread, however the two race).
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};

    BackgroundCall stopping{[&server] { server.shutdown(); }};
    ASSERT_TRUE(stopping.finishes_within()) << "shutdown() waited for a serve_forever()";
    BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};

    if (!serving.finishes_within()) {
        ADD_FAILURE() << "serve_forever() ignored the earlier shutdown()";
        server.shutdown();  // it is serving now: let the test end
    }
}

TYPED_TEST_P(Shutdown, TwentyServersStartedAndShutDownBackToBackNeverHang) {
    // CPython's test_shutdown (issue 2302): shutdown() right after the
    // serving thread starts, before or after it enters serve_forever(),
    // must always make that thread leave serve_forever().
    constexpr int count = 20;
    std::vector<std::unique_ptr<TypeParam>> servers;
    std::vector<std::unique_ptr<BackgroundCall>> serving;
    for (int i = 0; i < count; ++i) {
        servers.push_back(std::make_unique<TypeParam>(loopback_any_port(),
                                                      handler_factory<UpperEcho, TypeParam>()));
        TypeParam& server = *servers.back();
        serving.push_back(std::make_unique<BackgroundCall>(
            [&server] { server.serve_forever(std::chrono::milliseconds(10)); }));
        server.shutdown();
    }

    const auto deadline = std::chrono::steady_clock::now() + default_timeout;
    for (int i = 0; i < count; ++i) {
        common::Seconds left = deadline - std::chrono::steady_clock::now();
        if (!serving[i]->finishes_within(std::max(left, common::Seconds{0}))) {
            ADD_FAILURE() << "server " << i << " ignored its shutdown()";
            servers[i]->shutdown();  // it is serving now: let the test end
        }
    }
}

// Calls shutdown() from inside handle(), then answers.
template <class Base>
class ShutdownFromHandler : public Base {
public:
    using Base::Base;
    void handle() override {
        this->server.shutdown();
        socket_of(this->request).send_all("stopping\n");
    }
};

TYPED_TEST_P(Shutdown, CalledFromInsideAHandlerDoesNotDeadlock) {
    // shutdown() waits for serve_forever() to return; called on
    // serve_forever()'s own thread it must not wait for itself.
    TypeParam server{loopback_any_port(), handler_factory<ShutdownFromHandler, TypeParam>()};
    BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};

    Client client{server.server_address};

    EXPECT_EQ(client.recv_line(), "stopping\n") << "the handler never got past shutdown()";
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() went on after the request";
}

TYPED_TEST_P(Shutdown, ServeForeverCanServeAgainAfterShutdown) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    {
        ServerThread serving{server};
        ASSERT_TRUE(answers_line(server.server_address));
    }  // shut down and joined

    ServerThread serving_again{server};

    EXPECT_TRUE(answers_line(server.server_address));
}

TYPED_TEST_P(Shutdown, LetsTheRequestInProgressFinish) {
    // shutdown() stops the loop between requests: the client being served
    // when it is called is served to the end (the demo's SIGINT relies on it).
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};
    Client client{server.server_address};
    client.send("before\n");
    ASSERT_EQ(client.recv_line(), "BEFORE\n");  // the handler is running

    std::promise<pid_t> stopper;
    BackgroundCall stopping{[&] {
        stopper.set_value(current_thread_id());
        server.shutdown();
    }};
    // Only go on once shutdown() is waiting (in a futex) for the loop to
    // end, or has returned: a Threading server's loop is not busy with the
    // request, and ends at once.
    const pid_t stopper_id = stopper.get_future().get();
    const auto deadline = std::chrono::steady_clock::now() + default_timeout;
    bool stopped_or_waiting = false;
    while (!stopped_or_waiting && std::chrono::steady_clock::now() < deadline) {
        stopped_or_waiting = stopping.finishes_within(common::Seconds{0.001}) ||
                             wait_until_in_syscall(stopper_id, {SYS_futex}, common::Seconds{0.001});
    }
    ASSERT_TRUE(stopped_or_waiting) << "shutdown() neither waits nor returns";
    client.send("after\n");

    EXPECT_EQ(client.recv_line(), "AFTER\n");
    client.close_write();
    EXPECT_TRUE(client.at_eof());
    EXPECT_TRUE(stopping.finishes_within());
    EXPECT_TRUE(serving.finishes_within());
}

REGISTER_TYPED_TEST_SUITE_P(ServeForever,
                            ServesClientsOneAfterAnother,
                            ServesWithAVeryShortPollInterval,
                            ServesWithAnInfinitePollInterval);
REGISTER_TYPED_TEST_SUITE_P(Shutdown,
                            StopsServeForeverRunningOnAnotherThread,
                            ReturnsPromptlyWhateverThePollInterval,
                            WhileServeForeverWaitsForItsFirstClientStopsIt,
                            BeforeServeForeverReturnsAtOnceAndServeForeverThenReturnsAtOnce,
                            TwentyServersStartedAndShutDownBackToBackNeverHang,
                            CalledFromInsideAHandlerDoesNotDeadlock,
                            ServeForeverCanServeAgainAfterShutdown,
                            LetsTheRequestInProgressFinish);

}  // namespace sockserv::test
