/// \file
/// \brief handle_request() and the hooks around a request, as chapter 1
/// made them: waiting for a client, a subclass's own server_bind() and
/// server_activate(), a get_request() that fails, and BaseServer under a
/// subclass that is not TCPServer. `HandleRequest`, over every chapter's
/// TCP classes. (The order of the hooks is EveryServer's, for every class.)
#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/interrupt.hpp"
#include "support/process.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class HandleRequest : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(HandleRequest);

TYPED_TEST_P(HandleRequest, WaitsForAClientToArrive) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    std::promise<pid_t> server_thread;
    auto wait_for_a_client = [&] {
        server_thread.set_value(current_thread_id());
        server.handle_request();
    };
    BackgroundCall serving{wait_for_a_client, "handle_request()"};
    ASSERT_TRUE(wait_until_in_syscall(server_thread.get_future().get(), poll_syscalls()))
        << "handle_request() is not waiting in poll(2)";
    EXPECT_FALSE(serving.finishes_within(common::Seconds{0})) << "returned with no client";

    Client client{server.server_address};
    client.send("late\n");
    client.close_write();

    EXPECT_EQ(client.recv_until_eof(), "late\n");
    EXPECT_TRUE(serving.finishes_within());
}

TYPED_TEST_P(HandleRequest, ServerBindAndServerActivateOverridesRunWhenCalledAfterConstruction) {
    // What Python's docs describe for bind_and_activate=False: the
    // subclass's own overrides bind, because the object is complete.
    RecordingServer<TypeParam> server{loopback_any_port(),
                                      handler_factory<RecordedHandler, TypeParam>()};

    std::vector<Call> expected{{"server_bind"}, {"server_activate"}};
    EXPECT_EQ(server.calls(), expected);
}

// A server that overrides only get_request() to turn the first client away
// (as if accept(2) failed): the serving loop must shrug it off.
template <class Base>
class RefusingServer : public Base {
public:
    using Base::Base;
    ~RefusingServer() override { join_request_threads(*this); }
    std::pair<RequestOf<Base>, common::Address> get_request() override {
        auto accepted = Base::get_request();  // take it out of the queue
        if (refuse_next.exchange(false)) {
            throw std::system_error(std::make_error_code(std::errc::connection_aborted), "accept");
        }
        return accepted;
    }
    std::atomic<bool> refuse_next = true;
};

TYPED_TEST_P(HandleRequest, AGetRequestThatFailsIsSkippedQuietly) {
    // Python: an OSError from get_request() ends _handle_request_noblock()
    // without a word; the server serves the next client.
    RefusingServer<TypeParam> server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    ServerThread serving{server};
    CaptureStderr stderr_text;
    Client refused{server.server_address};

    EXPECT_TRUE(refused.at_eof()) << "the refused client's connection stayed open";
    EXPECT_TRUE(answers_line(server.server_address));
    serving.stop();
    EXPECT_EQ(stderr_text.text(), "");
}

// The least a BaseServer subclass must provide (fileno, get_request),
// over a Unix-domain socket: BaseServer's loop and hooks do the rest.
// Chapter 2's UnixStreamServer is this, done properly.
template <class BaseServer, class Request>
class MinimalUnixServer : public BaseServer {
public:
    template <class Factory>
    MinimalUnixServer(common::Address address, Factory factory)
        : BaseServer(std::move(address), std::move(factory)),
          socket(common::Socket::open(AF_UNIX, SOCK_STREAM)) {
        socket.bind(this->server_address);
        socket.listen(5);
    }
    int fileno() const override { return socket.fd(); }
    std::pair<Request, common::Address> get_request() override {
        auto [connection, client] = socket.accept();
        return {Request{std::move(connection)}, client};
    }
    void close_request(Request& request) override {
        ++closed;
        request.close();
    }

    common::Socket socket;
    std::atomic<int> closed = 0;
};

TYPED_TEST_P(HandleRequest, BaseServerServesAnySocketASubclassProvides) {
    TempDir directory;
    MinimalUnixServer<BaseServerOf<TypeParam>, RequestOf<TypeParam>> server{
        common::Address::unix_path((directory / "echo.sock").string()),
        handler_factory<Echo, TypeParam>()};
    {
        ServerThread serving{server};
        EXPECT_TRUE(answers_line(server.server_address, "ping\n"));
        EXPECT_TRUE(answers_line(server.server_address, "ping\n"));
    }

    // BaseServer's own shutdown_request() hands every request to close_request().
    EXPECT_EQ(server.closed, 2);
}

REGISTER_TYPED_TEST_SUITE_P(HandleRequest,
                            WaitsForAClientToArrive,
                            ServerBindAndServerActivateOverridesRunWhenCalledAfterConstruction,
                            AGetRequestThatFailsIsSkippedQuietly,
                            BaseServerServesAnySocketASubclassProvides);

}  // namespace sockserv::test
