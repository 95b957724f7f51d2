/// \file
/// \brief BaseRequestHandler (request, client_address, server, handle) and
/// the handler factory that stands for RequestHandlerClass, as chapter 1
/// made them. `Handlers`, over every chapter's TCP classes.
#pragma once

#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "common/text.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class Handlers : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(Handlers);

// What a handler saw of its three members.
struct HandlerSaw {
    common::Address client_address;
    common::Address request_peer;   // request.peer_address()
    common::Address request_local;  // request.local_address()
    const void* server = nullptr;
};

// Handed over through a promise: the test reads it only once the handler
// has written it, on whichever thread the server ran the handler.
template <class Base>
class Observer : public Base {
public:
    template <class Request, class Server>
    Observer(Request& request, const common::Address& client, Server& server,
             std::promise<HandlerSaw>& seen)
        : Base(request, client, server), seen_(seen) {}
    void handle() override {
        common::Socket& connection = socket_of(this->request);
        seen_.set_value({this->client_address, connection.peer_address(),
                         connection.local_address(), &this->server});
        connection.send_all("seen\n");
    }

private:
    std::promise<HandlerSaw>& seen_;
};

TYPED_TEST_P(Handlers, SeesTheRequestTheClientAddressAndTheServer) {
    std::promise<HandlerSaw> handed_over;
    TypeParam server{loopback_any_port(),
                     [&handed_over](RequestOf<TypeParam>& request, const common::Address& client,
                                    BaseServerOf<TypeParam>& server) {
                         return std::make_unique<Observer<BaseRequestHandlerOf<TypeParam>>>(
                             request, client, server, handed_over);
                     }};
    Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_line(), "seen\n") << "request is not the client's connection";
    auto handler_done = handed_over.get_future();
    ASSERT_EQ(handler_done.wait_for(default_timeout), std::future_status::ready)
        << "the handler did not report what it saw within " << default_timeout.count() << " s";
    const HandlerSaw seen = handler_done.get();
    const auto client_address = client.socket().local_address();
    EXPECT_EQ(seen.client_address, client_address);
    EXPECT_EQ(seen.request_peer, client_address);
    EXPECT_EQ(seen.request_local, server.server_address);
    EXPECT_EQ(seen.server, static_cast<const void*>(static_cast<BaseServerOf<TypeParam>*>(&server)));
}

TYPED_TEST_P(Handlers, DefaultHandleDoesNothingAndTheConnectionIsClosed) {
    // Python's BaseRequestHandler.handle() is empty; the server then ends
    // the request, and the client reads the end of the stream.
    TypeParam server{loopback_any_port(),
                     ChapterOf<TypeParam>::template handler<BaseRequestHandlerOf<TypeParam>>()};
    Client client{server.server_address};
    client.send("anyone there?\n");

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(client.at_eof());
}

// Numbers the lines it answers: its count lives in the handler object.
template <class Base>
class LineCounter : public Base {
public:
    using Base::Base;
    void handle() override {
        common::Socket& connection = socket_of(this->request);
        connection.set_timeout(default_timeout);
        char byte;
        while (connection.recv({&byte, 1}) == 1) {
            if (byte == '\n') {
                connection.send_all(std::to_string(++lines_) + "\n");
            }
        }
    }

private:
    int lines_ = 0;
};

TYPED_TEST_P(Handlers, HandlerMakesAFreshHandlerForEveryRequest) {
    // Python: an instance of RequestHandlerClass is created for each request.
    TypeParam server{loopback_any_port(), handler_factory<LineCounter, TypeParam>()};
    ServerThread serving{server};

    for (int connection = 0; connection < 3; ++connection) {
        Client client{server.server_address};
        client.send("a\nb\n");
        EXPECT_EQ(client.recv_line(), "1\n") << "connection " << connection;
        EXPECT_EQ(client.recv_line(), "2\n") << "connection " << connection;
    }
}

// Greets each client with words given to the factory, not to the class.
template <class Base>
class Greeter : public Base {
public:
    template <class Request, class Server>
    Greeter(Request& request, const common::Address& client, Server& server, std::string greeting)
        : Base(request, client, server), greeting_(std::move(greeting)) {}
    void handle() override {
        socket_of(this->request).send_all(greeting_ + ", " + this->client_address.host() + "\n");
    }

private:
    std::string greeting_;
};

TYPED_TEST_P(Handlers, ALambdaCanGiveHandlersExtraArguments) {
    // Python would use functools.partial(Greeter, greeting=...); in C++ the
    // factory is any callable of the right shape.
    TypeParam server{loopback_any_port(),
                     [](RequestOf<TypeParam>& request, const common::Address& client,
                        BaseServerOf<TypeParam>& server) {
                         return std::make_unique<Greeter<BaseRequestHandlerOf<TypeParam>>>(
                             request, client, server, "good morning");
                     }};
    Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_until_eof(), "good morning, 127.0.0.1\n");
}

TYPED_TEST_P(Handlers, RequestHandlerClassCanBeReplacedBetweenRequests) {
    // It is a plain attribute in Python, read for every request.
    TypeParam server{loopback_any_port(), handler_factory<Hello, TypeParam>()};
    Client first{server.server_address};
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(first.recv_until_eof(), "hello\n");

    server.RequestHandlerClass = handler_factory<UpperEcho, TypeParam>();
    Client second{server.server_address};
    second.send("bye\n");
    second.close_write();
    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(second.recv_until_eof(), "BYE\n");
}

// Where two long strings first differ, for a failure message that does
// not print 16 MiB.
inline std::string first_difference(const std::string& got, const std::string& expected) {
    std::size_t at = 0;
    while (at < got.size() && at < expected.size() && got[at] == expected[at]) {
        ++at;
    }
    return "got " + std::to_string(got.size()) + " bytes, expected " +
           std::to_string(expected.size()) + "; first difference at byte " + std::to_string(at);
}

TYPED_TEST_P(Handlers, ASixteenMebibyteLinePassesThroughAnEchoHandler) {
    // Far larger than any socket buffer: both sides must keep going after
    // partial reads and partial writes.
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    ServerThread serving{server};
    std::string line;
    line.reserve(16 * 1024 * 1024 + 1);
    for (std::size_t i = 0; i < 16 * 1024 * 1024; ++i) {
        line += static_cast<char>('a' + i % 26);
    }
    line += '\n';
    std::string expected = line;
    common::ascii_upper(expected);

    Client client{server.server_address};
    // Send on another thread while this one reads: the echo comes back
    // while the line is still going out, and a client that did not read
    // would block with both directions' buffers full.
    BackgroundCall sending{[&] { client.send(line); }};
    std::string reply = client.recv_line();
    sending.get();

    EXPECT_TRUE(reply == expected) << first_difference(reply, expected);
}

REGISTER_TYPED_TEST_SUITE_P(Handlers,
                            SeesTheRequestTheClientAddressAndTheServer,
                            DefaultHandleDoesNothingAndTheConnectionIsClosed,
                            HandlerMakesAFreshHandlerForEveryRequest,
                            ALambdaCanGiveHandlersExtraArguments,
                            RequestHandlerClassCanBeReplacedBetweenRequests,
                            ASixteenMebibyteLinePassesThroughAnEchoHandler);

}  // namespace sockserv::test
