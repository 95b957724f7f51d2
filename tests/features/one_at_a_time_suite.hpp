/// \file
/// \brief What only a synchronous server does: one request at a time, the
/// handler done when handle_request() returns. `OneAtATime`, over a
/// chapter's Synchronous list (every class of chapters 1 to 4; chapter 5's
/// Threading classes serve requests side by side and are left out).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "common/poller.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class OneAtATime : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(OneAtATime);

TYPED_TEST_P(OneAtATime, HandleRequestServesExactlyOneRequest) {
    std::atomic<int> handlers = 0;
    auto server = this->make_server(
        [&handlers](RequestOf<TypeParam>& request, const common::Address& client,
                    BaseServerOf<TypeParam>& server) {
            ++handlers;
            return std::make_unique<UpperEcho<BaseRequestHandlerOf<TypeParam>>>(request, client,
                                                                                server);
        });
    auto first = this->client(server->server_address);
    first->request("first\n");
    auto second = this->client(server->server_address);
    second->request("second\n");

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(handlers, 1);
    common::Poller poller{server->fileno()};
    EXPECT_TRUE(poller.wait(default_timeout)) << "the other request was not left waiting";
    ASSERT_TRUE(serve_one(*server));
    EXPECT_EQ(handlers, 2);
    EXPECT_EQ(first->reply(), "FIRST\n");
    EXPECT_EQ(second->reply(), "SECOND\n");
}

// Counts the handlers running at the same time, and remembers the most.
struct Concurrency {
    std::atomic<int> active{0};
    std::atomic<int> most{0};
};

// UpperEcho, keeping count in a Concurrency.
template <class Base>
class CountedEcho : public UpperEcho<Base> {
public:
    template <class Request, class Server>
    CountedEcho(Request& request, const common::Address& client, Server& server,
                Concurrency& count)
        : UpperEcho<Base>(request, client, server), count_(count) {}
    void handle() override {
        int now = ++count_.active;
        int most = count_.most;
        while (now > most && !count_.most.compare_exchange_weak(most, now)) {
        }
        UpperEcho<Base>::handle();
        --count_.active;
    }

private:
    Concurrency& count_;
};

TYPED_TEST_P(OneAtATime, ServeForeverServesOneClientAtATime) {
    // A client that arrives while another is being served waits until that
    // one is finished.
    Concurrency count;
    auto server = this->make_server(
        [&count](RequestOf<TypeParam>& request, const common::Address& client,
                 BaseServerOf<TypeParam>& server) {
            return std::make_unique<CountedEcho<BaseRequestHandlerOf<TypeParam>>>(
                request, client, server, count);
        });
    ServerThread serving{*server};

    if constexpr (kind_of<TypeParam>.datagram) {
        // A datagram's handler returns once it has answered: two clients
        // are answered one after the other.
        auto first = this->client(server->server_address);
        auto second = this->client(server->server_address);
        first->request("first");
        second->request("second");
        EXPECT_EQ(first->reply(), "FIRST");
        EXPECT_EQ(second->reply(), "SECOND");
    } else {
        Client first{server->server_address};
        first.send("first\n");
        ASSERT_EQ(first.recv_line(), "FIRST\n");  // its handler is now running
        Client second{server->server_address};
        second.send("second\n");
        first.close_write();

        EXPECT_TRUE(first.at_eof());
        EXPECT_EQ(second.recv_line(), "SECOND\n");
    }
    serving.stop();
    EXPECT_EQ(count.most, 1) << "two handlers ran at the same time";
}

REGISTER_TYPED_TEST_SUITE_P(OneAtATime,
                            HandleRequestServesExactlyOneRequest,
                            ServeForeverServesOneClientAtATime);

}  // namespace sockserv::test
