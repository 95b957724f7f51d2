// Tests of exercise 3.3: IdleCountingServer::handle_timeout() and
// serve_until_idle() (exercises/ch03/idle_counter.cpp).
//
// The servers have short idle periods (20 ms), so that a test made of a
// few of them takes a fraction of a second. Nothing here sleeps: clients
// that must arrive "in between" idle periods connect from inside
// handle_timeout(), on the serving thread, so they are in the listen queue
// before the next handle_request() looks. And a loop that never sees an
// idle period (because nothing counts them) is stopped by the test after
// a few dozen, instead of running until ctest's time limit.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "idle_counter.hpp"
#include "support/client.hpp"

namespace {

using namespace sockserv;
using ch03::exercises::IdleCountingServer;
using ch03::exercises::serve_until_idle;

constexpr common::Seconds idle_period{0.02};

// Thrown from handle_timeout() to stop a loop that does not stop by itself.
// Not a std::exception: nothing on its way out mistakes it for an error of
// the code under test.
struct Runaway {};

// Greets the client, or fails when the server says so.
class SayHello : public ch03::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override;
};

// An IdleCountingServer on 127.0.0.1 that watches its own hooks.
class Watched : public IdleCountingServer {
public:
    Watched() : IdleCountingServer(common::Address::inet("127.0.0.1", 0),
                                   ch03::handler<SayHello>(), idle_period) {}

    void handle_timeout() override {
        ++timeouts;
        IdleCountingServer::handle_timeout();
        if (on_timeout) {
            on_timeout(timeouts);
        }
        if (timeouts >= runaway_limit) {
            throw Runaway{};
        }
    }
    // handle_request() asks for the descriptor first: a call without a
    // timeout would wait for ever, so it fails here instead.
    int fileno() const override {
        ++fileno_calls;
        if (!timeout) {
            throw std::logic_error("handle_request() was called on a server without a timeout: "
                                   "it would have waited for a client for ever");
        }
        return IdleCountingServer::fileno();
    }
    void process_request(ch03::Request& request, const common::Address& client) override {
        ++requests;
        IdleCountingServer::process_request(request, client);
    }
    void handle_error(ch03::Request&, const common::Address&) override {
        errors.push_back(common::describe_current_exception());
    }

    // Connects a new client now; it waits in the listen queue.
    void connect_a_client() {
        clients.push_back(std::make_unique<test::Client>(server_address));
    }

    std::size_t timeouts = 0;        // calls of handle_timeout(), counted by the test
    std::size_t requests = 0;        // calls of process_request()
    mutable std::size_t fileno_calls = 0;
    std::size_t runaway_limit = 40;  // handle_timeout() calls before the test stops the loop
    std::function<void(std::size_t)> on_timeout;  // called with the timeouts so far
    bool fail = false;                            // handlers throw
    std::vector<std::string> errors;              // what handle_error() saw
    std::vector<std::unique_ptr<test::Client>> clients;
};

void SayHello::handle() {
    if (static_cast<Watched&>(server).fail) {
        throw std::runtime_error("the handler failed on purpose");
    }
    request.socket().send_all("hello\n");
}

// What one serve_until_idle() call did.
struct Outcome {
    std::optional<std::size_t> served;  // what it returned
    std::string error;                  // or what it threw
    bool runaway = false;               // the test stopped it
};

Outcome run(Watched& server, std::size_t idle_periods) {
    Outcome outcome;
    try {
        outcome.served = serve_until_idle(server, idle_periods);
    } catch (const Runaway&) {
        outcome.runaway = true;
    } catch (...) {
        outcome.error = common::describe_current_exception();
    }
    return outcome;
}

// serve_until_idle(server, n) returned \p served after exactly \p timeouts
// idle periods.
testing::AssertionResult returned(const Outcome& outcome, const Watched& server,
                                  std::size_t idle_periods, std::size_t served,
                                  std::size_t timeouts) {
    auto failure = [&] {
        return testing::AssertionFailure() << "serve_until_idle(server, " << idle_periods << ") ";
    };
    if (outcome.runaway) {
        auto result = failure() << "was still calling handle_request() after "
                                << server.timeouts << " idle periods, when " << timeouts
                                << " should have ended it; the test stopped it. ";
        if (server.idle_periods == 0) {
            return result << "server.idle_periods is still 0: handle_timeout() should count "
                             "each idle period there, and the loop should watch that count.";
        }
        return result << "server.idle_periods is " << server.idle_periods
                      << ": does the loop compare it before and after each handle_request()?";
    }
    if (!outcome.error.empty()) {
        return failure() << "threw " << outcome.error;
    }
    if (server.timeouts == 0 && timeouts > 0) {
        return failure() << "returned " << *outcome.served
                         << " without waiting for a single idle period: it should call "
                            "server.handle_request() again and again, until "
                         << idle_periods << " idle period(s) in a row have passed";
    }
    if (server.timeouts != timeouts) {
        return failure() << "returned after " << server.timeouts << " idle periods in all, but "
                         << timeouts << " should have passed (requests handled in between: "
                         << server.requests
                         << "). After a request, the count of idle periods in a row starts "
                            "again from zero.";
    }
    if (*outcome.served != served) {
        return failure() << "returned " << *outcome.served << ", but " << served
                         << " requests were handled (process_request() ran "
                         << server.requests << " times)";
    }
    return testing::AssertionSuccess();
}

TEST(IdleCounter, HandleTimeoutCountsEachIdlePeriod) {
    Watched server;
    for (std::size_t period = 1; period <= 3; ++period) {
        server.handle_request();  // nobody comes: returns after 20 ms
        ASSERT_EQ(server.timeouts, period) << "(handle_request() should time out: no client)";
        ASSERT_EQ(server.idle_periods, period)
            << "handle_request() has waited 20 ms for nobody " << period
            << " time(s), and called handle_timeout() each time: server.idle_periods should "
               "count each of them";
    }
}

TEST(IdleCounter, ARequestIsNoIdlePeriod) {
    Watched server;
    server.connect_a_client();

    server.handle_request();

    EXPECT_EQ(server.requests, 1u);
    EXPECT_EQ(server.idle_periods, 0u)
        << "handle_request() handled a request: that was no idle period";
    EXPECT_EQ(server.clients[0]->recv_until_eof(), "hello\n");
}

TEST(IdleCounter, ServeUntilIdleWaitsForTheIdlePeriods) {
    Watched server;

    Outcome outcome = run(server, 3);

    EXPECT_TRUE(returned(outcome, server, 3, 0, 3));
    EXPECT_EQ(server.idle_periods, 3u) << "handle_timeout() counts each idle period";
}

TEST(IdleCounter, ServeUntilIdleServesTheWaitingClients) {
    Watched server;
    server.connect_a_client();
    server.connect_a_client();

    Outcome outcome = run(server, 2);

    ASSERT_TRUE(returned(outcome, server, 2, 2, 2));
    for (auto& client : server.clients) {
        EXPECT_EQ(client->recv_until_eof(), "hello\n") << "every waiting client is served";
    }
}

TEST(IdleCounter, ARequestStartsTheCountAgain) {
    Watched server;
    // Idle, idle, a client, idle, idle, a client, idle, idle, idle.
    server.on_timeout = [&server](std::size_t timeouts) {
        if (timeouts == 2 || timeouts == 4) {
            server.connect_a_client();
        }
    };

    Outcome outcome = run(server, 3);

    EXPECT_TRUE(returned(outcome, server, 3, 2, 7))
        << "\n(the clients came after the 2nd and the 4th idle period: only the last three "
           "periods are three in a row)";
}

TEST(IdleCounter, AFailedRequestIsStillARequest) {
    Watched server;
    server.fail = true;
    server.connect_a_client();

    Outcome outcome = run(server, 1);

    EXPECT_TRUE(returned(outcome, server, 1, 1, 1))
        << "\n(the handler threw; handle_request() reported it with handle_error() and "
           "returned: a request, not an idle period)";
    EXPECT_EQ(server.errors.size(), 1u)
        << "handle_request() should have reported the handler's exception once";
}

TEST(IdleCounter, ZeroIdlePeriodsReturnAtOnce) {
    Watched server;
    server.connect_a_client();

    Outcome outcome = run(server, 0);

    ASSERT_TRUE(outcome.error.empty()) << "serve_until_idle(server, 0) threw " << outcome.error;
    ASSERT_FALSE(outcome.runaway);
    EXPECT_EQ(*outcome.served, 0u) << "serve_until_idle(server, 0) should handle no request";
    EXPECT_EQ(server.fileno_calls, 0u)
        << "serve_until_idle(server, 0) has nothing to wait for (zero idle periods in a row "
           "have always passed): it should return 0 without calling handle_request()";
}

TEST(IdleCounter, ServeUntilIdleNeedsATimeout) {
    Watched server;
    server.timeout.reset();

    Outcome outcome = run(server, 2);

    EXPECT_EQ(server.fileno_calls, 0u)
        << "serve_until_idle() called handle_request() on a server without a timeout: that "
           "would wait for a client for ever. Check server.timeout first.";
    EXPECT_TRUE(outcome.error.find("std::invalid_argument") != std::string::npos)
        << "serve_until_idle() on a server without a timeout should throw "
           "std::invalid_argument; it "
        << (outcome.served ? "returned " + std::to_string(*outcome.served)
                           : "threw " + outcome.error);
}

}  // namespace
