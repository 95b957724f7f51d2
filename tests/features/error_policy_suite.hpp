/// \file
/// \brief What the serving loop does with an exception from a request, as Python's
/// _handle_request_noblock does: an error (`except Exception`, here any
/// std::exception) goes to handle_error(), the request is shut down and
/// serving goes on; anything else (`except:`, reached by SystemExit; here
/// the chapter's SystemExit or any type not derived from std::exception) shuts the
/// request down, reports nothing, and leaves handle_request() or
/// serve_forever(), after which the server can serve again.
/// From chapter 3 on: tests/features/suites.cmake runs it on every later chapter.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>

#include "features/lifecycle_helpers.hpp"
#include "support/background_call.hpp"
#include "support/handlers.hpp"
#include "support/process.hpp"
#include "support/recording.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class ErrorPolicy : public ServerTest<Server> {
protected:
    // Serves one request whose handler answers, then throws what `thrower`
    // throws (only this once), with handle_request(), or serve_forever()
    // if `forever`; says what left (see what_leaves()). The client has
    // its answer either way.
    std::string next_request_throws(std::function<void()> thrower, bool forever) {
        plan.handle = [thrower = std::move(thrower), first = true]() mutable {
            if (std::exchange(first, false)) {
                thrower();
            }
        };
        auto peer = this->client(server.server_address);
        peer->request("throws\n");
        BackgroundCall serving{[this, forever] {
            forever ? server.serve_forever(one_hour) : server.handle_request();
        }};
        if (!serving.finishes_within()) {
            ADD_FAILURE() << "the serving call did not return";
            server.shutdown();  // a serve_forever() that went on, stopped
        }
        EXPECT_EQ(peer->reply(), "handled\n");
        return what_leaves<Server>([&serving] { serving.get(); });
    }

    // Serves a request through handle_request() and one through
    // serve_forever(), which shutdown() stops.
    void serve_again() {
        auto second = this->client(server.server_address);
        second->request("second\n");
        ASSERT_TRUE(serve_one(server));
        EXPECT_EQ(second->reply(), "handled\n");

        BackgroundCall serving{[this] { server.serve_forever(one_hour); }};
        auto third = this->client(server.server_address);
        third->request("third\n");
        EXPECT_EQ(third->reply(), "handled\n");
        BackgroundCall stopping{[this] { server.shutdown(); }};
        EXPECT_TRUE(stopping.finishes_within()) << "shutdown() did not return";
        EXPECT_TRUE(serving.finishes_within()) << "serve_forever() did not return";
    }

    Plan plan;
    Observed<Server> server{this->server_address(), lifecycle<Server>(plan)};
};
TYPED_TEST_SUITE_P(ErrorPolicy);

// An exception type that derives from std::exception only, the way user
// code may define its own.
struct OwnError : std::exception {
    const char* what() const noexcept override { return "an error of our own"; }
};

TYPED_TEST_P(ErrorPolicy, EveryStdExceptionGoesToHandleErrorAndServingGoesOn) {
    // Python's `except Exception`: the C++ line is std::exception, not
    // only std::runtime_error.
    auto& server = this->server;
    int requests = 0;  // only touched by the serving thread
    this->plan.handle = [&requests] {
        switch (++requests) {
        case 1:
            throw std::logic_error("a logic error");
        case 2:
            throw std::system_error(std::make_error_code(std::errc::broken_pipe), "a system error");
        case 3:
            throw OwnError{};
        }
    };
    ServerThread serving{server};

    for (int i = 0; i < 4; ++i) {
        auto peer = this->client(server.server_address);
        peer->request("request " + std::to_string(i) + "\n");
        EXPECT_EQ(peer->reply(), "handled\n") << "request " << i;
    }
    ASSERT_TRUE(server.wait_for("close_request", 4));

    auto errors = server.errors();
    ASSERT_EQ(errors.size(), 3u) << ::testing::PrintToString(errors);
    EXPECT_NE(errors[0].find("a logic error"), std::string::npos) << errors[0];
    EXPECT_NE(errors[1].find("a system error"), std::string::npos) << errors[1];
    EXPECT_NE(errors[2].find("an error of our own"), std::string::npos) << errors[2];
    EXPECT_EQ(server.count("shutdown_request"), 4u);
}

TYPED_TEST_P(ErrorPolicy, SystemExitOrANonStdExceptionLeavesEitherServingCallUnreported) {
    // SystemExitOf<TypeParam>, and a type not derived from std::exception
    // (`throw 42`): from handle_request() and from serve_forever(), what the
    // handler threw leaves after the request was shut down, exactly once;
    // handle_error() is not called, serve_forever() calls no
    // service_actions() after that request, and the server then serves
    // again, shutdown() included.
    auto& server = this->server;
    const std::pair<std::function<void()>, std::string> throwers[] = {
        {[] { throw SystemExitOf<TypeParam>{3}; }, "SystemExit 3"},
        {[] { throw 42; }, "int 42"},
    };
    for (const auto& [thrower, what] : throwers) {
        for (bool forever : {false, true}) {
            SCOPED_TRACE(what + (forever ? " from serve_forever()" : " from handle_request()"));
            const std::size_t before = server.calls().size();

            EXPECT_EQ(this->next_request_throws(thrower, forever), what);
            this->serve_again();

            auto hooks = server.hooks();
            hooks.erase(hooks.begin(), hooks.begin() + static_cast<std::ptrdiff_t>(before));
            EXPECT_EQ(hooks, served + served + served + Hooks{"service_actions"});
        }
    }
    EXPECT_EQ(server.count("handle_error"), 0u);
}

TYPED_TEST_P(ErrorPolicy, AfterSystemExitLeftServeForeverShutdownReturnsAtOnce) {
    // Whoever stops the server later (a signal handler, ServerThread)
    // calls shutdown(): it must not wait for a loop that has already ended.
    EXPECT_EQ(this->next_request_throws([] { throw SystemExitOf<TypeParam>{1}; }, true), "SystemExit 1");

    BackgroundCall stopping{[this] { this->server.shutdown(); }};

    EXPECT_TRUE(stopping.finishes_within()) << "shutdown() waits for a loop that has ended";
}

// Ends the server's serving with SystemExit, as a "quit" command would.
template <class Base, class SystemExit>
class Quits : public Base {
public:
    using Base::Base;
    void handle() override { throw SystemExit{0}; }
};

TYPED_TEST_P(ErrorPolicy, TheDefaultHandleErrorPrintsNothingForSystemExit) {
    // A way to stop the server is not an error: nothing goes to stderr.
    using Handler = Quits<BaseRequestHandlerOf<TypeParam>, SystemExitOf<TypeParam>>;
    TypeParam server{this->server_address("quits.sock"),
                     [](RequestOf<TypeParam>& request, const common::Address& client,
                        BaseServerOf<TypeParam>& server) {
                         return std::make_unique<Handler>(request, client, server);
                     }};
    auto peer = this->client(server.server_address);
    peer->request("");
    CaptureStderr reports;

    EXPECT_EQ(what_leaves<TypeParam>([&server] { (void)serve_one(server); }), "SystemExit 0");

    EXPECT_EQ(reports.text(), "");
}

REGISTER_TYPED_TEST_SUITE_P(ErrorPolicy,
                            EveryStdExceptionGoesToHandleErrorAndServingGoesOn,
                            SystemExitOrANonStdExceptionLeavesEitherServingCallUnreported,
                            AfterSystemExitLeftServeForeverShutdownReturnsAtOnce,
                            TheDefaultHandleErrorPrintsNothingForSystemExit);

}  // namespace sockserv::test
