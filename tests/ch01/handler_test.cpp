// BaseRequestHandler (request, client_address, server, handle) and the
// handler factory that stands for RequestHandlerClass.
#include <memory>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "ch01/socketserver.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/server_thread.hpp"
#include "test_handlers.hpp"

namespace {

using namespace sockserv;
using ch01::TCPServer;
using ch01_test::answers;
using ch01_test::loopback_any_port;
using ch01_test::serve_one;
using ch01_test::UpperEcho;

// What a handler saw of its three members.
struct Seen {
    common::Address client_address;
    common::Address request_peer;   // request.peer_address()
    common::Address request_local;  // request.local_address()
    const ch01::BaseServer* server = nullptr;
};

class Observer : public ch01::BaseRequestHandler {
public:
    Observer(ch01::Request& request, const common::Address& client, ch01::BaseServer& server,
             Seen& seen)
        : BaseRequestHandler(request, client, server), seen_(seen) {}
    void handle() override {
        seen_ = {client_address, request.peer_address(), request.local_address(), &server};
        request.send_all("seen\n");
    }

private:
    Seen& seen_;
};

TEST(BaseRequestHandler, SeesTheRequestTheClientAddressAndTheServer) {
    Seen seen;
    TCPServer server{loopback_any_port(),
                     [&seen](ch01::Request& request, const common::Address& client,
                             ch01::BaseServer& server) {
                         return std::make_unique<Observer>(request, client, server, seen);
                     }};
    test::Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));  // seen is written before this returns

    EXPECT_EQ(client.recv_line(), "seen\n") << "request is not the client's connection";
    const auto client_address = client.socket().local_address();
    EXPECT_EQ(seen.client_address, client_address);
    EXPECT_EQ(seen.request_peer, client_address);
    EXPECT_EQ(seen.request_local, server.server_address);
    EXPECT_EQ(seen.server, &server);
}

TEST(BaseRequestHandler, DefaultHandleDoesNothingAndTheConnectionIsClosed) {
    // Python's BaseRequestHandler.handle() is empty; the server then ends
    // the request, and the client reads the end of the stream.
    TCPServer server{loopback_any_port(), ch01::handler<ch01::BaseRequestHandler>()};
    test::Client client{server.server_address};
    client.send("anyone there?\n");

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(client.at_eof());
}

// Numbers the lines it answers: its count lives in the handler object.
class LineCounter : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        request.set_timeout(test::default_timeout);
        char byte;
        while (request.recv({&byte, 1}) == 1) {
            if (byte == '\n') {
                request.send_all(std::to_string(++lines_) + "\n");
            }
        }
    }

private:
    int lines_ = 0;
};

TEST(HandlerFactory, HandlerMakesAFreshHandlerForEveryRequest) {
    // Python: an instance of RequestHandlerClass is created for each request.
    TCPServer server{loopback_any_port(), ch01::handler<LineCounter>()};
    test::ServerThread serving{server};

    for (int connection = 0; connection < 3; ++connection) {
        test::Client client{server.server_address};
        client.send("a\nb\n");
        EXPECT_EQ(client.recv_line(), "1\n") << "connection " << connection;
        EXPECT_EQ(client.recv_line(), "2\n") << "connection " << connection;
    }
}

// Greets each client with words given to the factory, not to the class.
class Greeter : public ch01::BaseRequestHandler {
public:
    Greeter(ch01::Request& request, const common::Address& client, ch01::BaseServer& server,
            std::string greeting)
        : BaseRequestHandler(request, client, server), greeting_(std::move(greeting)) {}
    void handle() override { request.send_all(greeting_ + ", " + client_address.host() + "\n"); }

private:
    std::string greeting_;
};

TEST(HandlerFactory, ALambdaCanGiveHandlersExtraArguments) {
    // Python would use functools.partial(Greeter, greeting=...); in C++ the
    // factory is any callable of the right shape.
    TCPServer server{loopback_any_port(),
                     [](ch01::Request& request, const common::Address& client,
                        ch01::BaseServer& server) {
                         return std::make_unique<Greeter>(request, client, server, "good morning");
                     }};
    test::Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_until_eof(), "good morning, 127.0.0.1\n");
}

TEST(HandlerFactory, RequestHandlerClassCanBeReplacedBetweenRequests) {
    // It is a plain attribute in Python, read for every request.
    TCPServer server{loopback_any_port(), ch01::handler<ch01_test::Hello>()};
    test::Client first{server.server_address};
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(first.recv_until_eof(), "hello\n");

    server.RequestHandlerClass = ch01::handler<UpperEcho>();
    test::Client second{server.server_address};
    second.send("bye\n");
    second.close_write();
    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(second.recv_until_eof(), "BYE\n");
}

// Where two long strings first differ, for a failure message that does
// not print 16 MiB.
std::string first_difference(const std::string& got, const std::string& expected) {
    std::size_t at = 0;
    while (at < got.size() && at < expected.size() && got[at] == expected[at]) {
        ++at;
    }
    return "got " + std::to_string(got.size()) + " bytes, expected " +
           std::to_string(expected.size()) + "; first difference at byte " + std::to_string(at);
}

TEST(BaseRequestHandler, ASixteenMebibyteLinePassesThroughAnEchoHandler) {
    // Far larger than any socket buffer: both sides must keep going after
    // partial reads and partial writes.
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::ServerThread serving{server};
    std::string line;
    line.reserve(16 * 1024 * 1024 + 1);
    for (std::size_t i = 0; i < 16 * 1024 * 1024; ++i) {
        line += static_cast<char>('a' + i % 26);
    }
    line += '\n';
    std::string expected = line;
    common::ascii_upper(expected);

    test::Client client{server.server_address};
    // Send on another thread while this one reads: the echo comes back
    // while the line is still going out, and a client that did not read
    // would block with both directions' buffers full.
    test::BackgroundCall sending{[&] { client.send(line); }};
    std::string reply = client.recv_line();
    sending.get();

    EXPECT_TRUE(reply == expected) << first_difference(reply, expected);
}

}  // namespace
