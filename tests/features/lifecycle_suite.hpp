/// \file
/// \brief setup(), handle() and finish(): the three steps Python's
/// BaseRequestHandler runs for every request, in that order, with finish()
/// in a `finally`. What a server subclass and a client see of them, for all
/// four classes: the order; finish() after a handle() that threw, the
/// exception still reaching handle_error(); a setup() that threw skipping
/// both; and an exception from finish() replacing the one before it.
/// From chapter 3 on: tests/features/suites.cmake runs it on every later chapter.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "features/lifecycle_helpers.hpp"
#include "support/handlers.hpp"
#include "support/recording.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

// A request whose handler threw from handle(): finish() ran, then the
// server reported the error and shut the request down.
const Hooks failed_in_handle{"get_request", "verify_request", "process_request",
                             "finish_request", "setup", "handle", "finish", "handle_error",
                             "shutdown_request", "close_request"};

template <class Server>
class HandlerLifecycle : public ServerTest<Server> {
protected:
    // Sends `data` as one request and serves it with handle_request(); the
    // client's peer is returned for its reply.
    // The record is complete once the request is closed: a Threading
    // server's handle_request() returns as soon as the request's thread
    // has started.
    std::unique_ptr<Peer> serve_request(const std::string& data) {
        auto peer = this->client(server.server_address);
        peer->request(data);
        const std::size_t closed = server.count("close_request");
        EXPECT_TRUE(serve_one(server));
        EXPECT_TRUE(server.wait_for("close_request", closed + 1)) << "the request was never closed";
        return peer;
    }

    Plan plan;  // what the handlers do; set before the first request
    Observed<Server> server{this->server_address(), lifecycle<Server>(plan)};
};
TYPED_TEST_SUITE_P(HandlerLifecycle);

TYPED_TEST_P(HandlerLifecycle, SetupHandleAndFinishRunInThatOrderOnTheRequestAndItsClient) {
    auto peer = this->serve_request("hello\n");

    EXPECT_EQ(peer->reply(), "handled\n");
    EXPECT_EQ(this->server.hooks(), bound + served);
    // Every hook after the binding was given the one request, and (those
    // that take it) the client's address.
    const auto calls = this->server.calls();
    ASSERT_GT(calls.size(), 2u);
    const int fd = calls[2].request_fd;
    for (std::size_t i = 2; i < calls.size(); ++i) {
        EXPECT_EQ(calls[i].request_fd, fd) << calls[i];
        if (calls[i].hook != "shutdown_request" && calls[i].hook != "close_request") {
            EXPECT_EQ(calls[i].address, peer->address()) << calls[i];
        }
    }
}

TYPED_TEST_P(HandlerLifecycle, EveryRequestGetsAllThreeStepsOfItsOwn) {
    // One handler object per request, as in Python: the steps do not run
    // once per server.
    for (const char* data : {"one\n", "two\n", "three\n"}) {
        EXPECT_EQ(this->serve_request(data)->reply(), "handled\n");
    }

    EXPECT_EQ(this->server.hooks(), bound + served + served + served);
}

TYPED_TEST_P(HandlerLifecycle, WhenHandleThrowsFinishStillRunsThenHandleErrorGetsTheException) {
    // Python's `try: self.handle() finally: self.finish()`: the clean-up
    // runs, and the exception goes on to the server, which reports it and
    // serves the next client.
    auto& server = this->server;
    std::atomic<int> handled = 0;
    this->plan.handle = [&handled] {
        if (++handled == 1) {
            throw std::runtime_error("handle failed on purpose");
        }
    };
    ServerThread serving{server};

    auto unlucky = this->client(server.server_address);
    unlucky->request("first\n");
    EXPECT_EQ(unlucky->reply(), "handled\n");  // handle() answered, then threw
    // On a Threading server, the next request's hooks would otherwise be
    // written down among this one's.
    ASSERT_TRUE(server.wait_for("close_request", 1));
    auto next = this->client(server.server_address);
    next->request("second\n");
    EXPECT_EQ(next->reply(), "handled\n");
    ASSERT_TRUE(server.wait_for("close_request", 2));

    EXPECT_EQ(server.hooks({"service_actions"}), bound + failed_in_handle + served);
    EXPECT_EQ(server.errors(), (Hooks{"std::runtime_error: handle failed on purpose"}));
    EXPECT_EQ(server.error_clients(), (std::vector{unlucky->address()}));
}

TYPED_TEST_P(HandlerLifecycle, WhenSetupThrowsNeitherHandleNorFinishRunsAndHandleErrorIsCalled) {
    // Nothing was set up, so there is nothing to finish.
    this->plan.setup = [] { throw std::runtime_error("setup failed on purpose"); };

    // Nothing for the handler to leave unread: a stream client then reads
    // a clean end, not a reset.
    auto peer = this->serve_request("");

    const Hooks failed_in_setup{"get_request", "verify_request", "process_request",
                                "finish_request", "setup", "handle_error", "shutdown_request",
                                "close_request"};
    EXPECT_EQ(this->server.hooks(), bound + failed_in_setup);
    EXPECT_EQ(this->server.errors(), (Hooks{"std::runtime_error: setup failed on purpose"}));
    if constexpr (kind_of<TypeParam>.datagram) {
        // The handler never answered: the first reply the client gets is
        // its next request's.
        this->plan.setup = nullptr;
        peer->request("again");
        ASSERT_TRUE(serve_one(this->server));
        EXPECT_EQ(peer->reply(), "handled\n");
    } else {
        EXPECT_EQ(peer->reply(), "") << "the connection was not shut down";
    }
}

TYPED_TEST_P(HandlerLifecycle, AnExceptionFromFinishReplacesTheOneFromHandle) {
    // As an exception raised in Python's `finally` replaces the one in
    // flight: handle_error() is told about finish()'s, once.
    this->plan.handle = [] { throw std::runtime_error("from handle"); };
    this->plan.finish = [] { throw std::logic_error("from finish"); };

    EXPECT_EQ(this->serve_request("hello\n")->reply(), "handled\n");

    EXPECT_EQ(this->server.hooks(), bound + failed_in_handle);
    EXPECT_EQ(this->server.errors(), (Hooks{"std::logic_error: from finish"}));
}

TYPED_TEST_P(HandlerLifecycle, AnExceptionFromFinishAloneIsAnErrorOfTheRequest) {
    this->plan.finish = [] { throw std::runtime_error("finish failed on purpose"); };

    EXPECT_EQ(this->serve_request("hello\n")->reply(), "handled\n");

    EXPECT_EQ(this->server.hooks(), bound + failed_in_handle);
    EXPECT_EQ(this->server.errors(), (Hooks{"std::runtime_error: finish failed on purpose"}));
}

REGISTER_TYPED_TEST_SUITE_P(HandlerLifecycle,
                            SetupHandleAndFinishRunInThatOrderOnTheRequestAndItsClient,
                            EveryRequestGetsAllThreeStepsOfItsOwn,
                            WhenHandleThrowsFinishStillRunsThenHandleErrorGetsTheException,
                            WhenSetupThrowsNeitherHandleNorFinishRunsAndHandleErrorIsCalled,
                            AnExceptionFromFinishReplacesTheOneFromHandle,
                            AnExceptionFromFinishAloneIsAnErrorOfTheRequest);

// SystemExit from a handler leaves the serving call only where the handler
// runs on the serving call's thread: a Threading server ends it on the
// request's thread (tests/features/threading_mixin_suite.hpp).
template <class Server>
class SystemExitFromHandle : public HandlerLifecycle<Server> {};
TYPED_TEST_SUITE_P(SystemExitFromHandle);

TYPED_TEST_P(SystemExitFromHandle, FinishRunsBeforeSystemExitFromHandleLeavesHandleRequest) {
    // The `finally` holds for every exception, not only for errors.
    auto& server = this->server;
    this->plan.handle = [] { throw SystemExitOf<TypeParam>{7}; };
    auto peer = this->client(server.server_address);
    peer->request("hello\n");

    EXPECT_EQ(what_leaves<TypeParam>([&server] { (void)serve_one(server); }), "SystemExit 7");

    EXPECT_EQ(server.hooks(), bound + served);
    EXPECT_EQ(peer->reply(), "handled\n");
}

REGISTER_TYPED_TEST_SUITE_P(SystemExitFromHandle,
                            FinishRunsBeforeSystemExitFromHandleLeavesHandleRequest);

}  // namespace sockserv::test
