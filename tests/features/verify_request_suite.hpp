/// \file
/// \brief verify_request(request, client_address): the server's access control.
/// True (the default) serves the request; false denies it: the request
/// goes straight to shutdown_request(), once, with no handler and no
/// handle_error() (CPython's test_shutdown_request_called_if_verify_request_false).
/// An exception from verify_request() is not an error of the request: as in
/// Python it leaves handle_request() and serve_forever().
/// From chapter 3 on: tests/features/suites.cmake runs it on every later chapter.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "features/lifecycle_helpers.hpp"
#include "support/background_call.hpp"
#include "support/handlers.hpp"
#include "support/recording.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class VerifyRequest : public ServerTest<Server> {
protected:
    // Counts the handlers made, so that a test sees none was made for a
    // denied request (its setup() would not even be reached).
    HandlerFactoryOf<Server> counted_lifecycle() {
        return [this](RequestOf<Server>& request, const common::Address& client,
                      BaseServerOf<Server>& server) {
            ++handlers_made;
            return std::make_unique<Lifecycle<BaseRequestHandlerOf<Server>>>(request, client,
                                                                             server, plan);
        };
    }

    Plan plan;  // the handlers do nothing but answer
    std::atomic<int> handlers_made = 0;
    Observed<Server> server{this->server_address(), counted_lifecycle()};
};
TYPED_TEST_SUITE_P(VerifyRequest);

TYPED_TEST_P(VerifyRequest, ADeniedRequestIsShutDownOnceWithNoHandlerAndNoReport) {
    auto& server = this->server;
    server.set_allow([](RequestOf<TypeParam>&, const common::Address&) { return false; });
    auto peer = this->client(server.server_address);
    // A stream client sends nothing, only its end: the denied connection
    // is then closed with nothing unread, and the client reads a clean end
    // rather than a reset.
    peer->request("");

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(server.hooks(),
              (bound + Hooks{"get_request", "verify_request", "shutdown_request", "close_request"}));
    EXPECT_EQ(this->handlers_made, 0);
    EXPECT_TRUE(server.errors().empty());
    if constexpr (!kind_of<TypeParam>.datagram) {
        EXPECT_EQ(peer->reply(), "") << "the denied client's connection was not ended";
    }
}

TYPED_TEST_P(VerifyRequest, AnAllowListOfClientAddressesServesOnlyTheClientsOnIt) {
    // Each client has an address of its own (a Unix stream client binds a
    // name); the list starts with one of them.
    auto& server = this->server;
    auto friendly = this->named_client(server.server_address);
    auto stranger = this->named_client(server.server_address);
    std::mutex list_mutex;
    std::vector<common::Address> allowed{friendly->address()};
    server.set_allow([&](RequestOf<TypeParam>&, const common::Address& client) {
        std::lock_guard lock(list_mutex);
        return std::find(allowed.begin(), allowed.end(), client) != allowed.end();
    });
    ServerThread serving{server};

    stranger->request("");
    friendly->request("hello\n");

    EXPECT_EQ(friendly->reply(), "handled\n");
    ASSERT_TRUE(server.wait_for("shutdown_request", 2));
    EXPECT_EQ(server.count("verify_request"), 2u);
    EXPECT_EQ(this->handlers_made, 1);
    EXPECT_TRUE(server.errors().empty());
    if constexpr (kind_of<TypeParam>.datagram) {
        // No handler, so no reply to the denied datagram. The list is asked
        // anew for every request: once on it, the same client is served.
        {
            std::lock_guard lock(list_mutex);
            allowed.push_back(stranger->address());
        }
        stranger->request("again");
        EXPECT_EQ(stranger->reply(), "handled\n");
        EXPECT_EQ(this->handlers_made, 2);
    } else {
        EXPECT_EQ(stranger->reply(), "") << "the denied client's connection was not ended";
    }
}

TYPED_TEST_P(VerifyRequest, AnExceptionFromVerifyRequestLeavesHandleRequestUnreported) {
    // Python calls verify_request() outside its `try`: the exception is
    // not handed to handle_error(), and the request is not shut down
    // through the hooks (a stream request is closed by its destructor).
    auto& server = this->server;
    int asked = 0;  // only touched by the serving thread
    server.set_allow([&asked](RequestOf<TypeParam>&, const common::Address&) -> bool {
        if (++asked == 1) {
            throw std::runtime_error("cannot decide");
        }
        return true;
    });
    auto peer = this->client(server.server_address);
    peer->request("");

    EXPECT_EQ(what_leaves<TypeParam>([&server] { (void)serve_one(server); }),
              "std::runtime_error: cannot decide");

    EXPECT_EQ(server.hooks(), (bound + Hooks{"get_request", "verify_request"}));
    EXPECT_EQ(this->handlers_made, 0);
    if constexpr (!kind_of<TypeParam>.datagram) {
        EXPECT_EQ(peer->reply(), "") << "the connection was left open";
    }
    // The next request is verified and served as usual.
    auto next = this->client(server.server_address);
    next->request("next\n");
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(next->reply(), "handled\n");
}

TYPED_TEST_P(VerifyRequest, AnExceptionFromVerifyRequestLeavesServeForever) {
    auto& server = this->server;
    server.set_allow([](RequestOf<TypeParam>&, const common::Address&) -> bool {
        throw std::runtime_error("cannot decide");
    });
    BackgroundCall serving{[&server] { server.serve_forever(one_hour); }};
    auto peer = this->client(server.server_address);
    peer->request("");

    if (!serving.finishes_within()) {
        server.shutdown();
        FAIL() << "serve_forever() went on";
    }
    EXPECT_EQ(what_leaves<TypeParam>([&serving] { serving.get(); }), "std::runtime_error: cannot decide");
    EXPECT_TRUE(server.errors().empty());
    EXPECT_EQ(this->handlers_made, 0);
}

REGISTER_TYPED_TEST_SUITE_P(VerifyRequest,
                            ADeniedRequestIsShutDownOnceWithNoHandlerAndNoReport,
                            AnAllowListOfClientAddressesServesOnlyTheClientsOnIt,
                            AnExceptionFromVerifyRequestLeavesHandleRequestUnreported,
                            AnExceptionFromVerifyRequestLeavesServeForever);

}  // namespace sockserv::test
