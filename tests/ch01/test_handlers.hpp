/// \file
/// \brief Handlers and small helpers the chapter-1 tests share.
#pragma once

#include <array>
#include <span>
#include <string>

#include <gtest/gtest.h>

#include "ch01/socketserver.hpp"
#include "common/address.hpp"
#include "common/text.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"

namespace sockserv::ch01_test {

/// \brief Loopback with a port the OS chooses: every test gets its own.
inline common::Address loopback_any_port() {
    return common::Address::parse_inet("127.0.0.1:0");
}

/// \brief Sends back every byte it receives until the client closes.
///
/// Its reads and writes have the tests' time limit, so a broken test
/// cannot leave the serving thread blocked forever.
class Echo : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        request.set_timeout(test::default_timeout);
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = request.recv(buffer)) {
            request.send_all({buffer.data(), received});
        }
    }
};

/// \brief Echo, ASCII letters upper-cased: the demo's transformation, so
/// that a reply can be told apart from the request.
class UpperEcho : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        request.set_timeout(test::default_timeout);
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = request.recv(buffer)) {
            std::span<char> data{buffer.data(), received};
            common::ascii_upper(data);
            request.send_all({data.data(), data.size()});
        }
    }
};

/// \brief Says "hello\n" and returns without reading: the server closes
/// the connection first.
class Hello : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { request.send_all("hello\n"); }
};

/// \brief Runs `server.handle_request()` with the tests' time limit.
///
/// handle_request() has no timeout of its own in chapter 1; the caller
/// makes sure a client is (or will be) there to serve. Rethrows what
/// handle_request() threw.
inline ::testing::AssertionResult serve_one(ch01::BaseServer& server) {
    test::BackgroundCall call{[&server] { server.handle_request(); }};
    if (!call.finishes_within(test::default_timeout)) {
        return ::testing::AssertionFailure() << "handle_request() did not return";
    }
    call.get();
    return ::testing::AssertionSuccess();
}

/// \brief One line through \p address and back: true if "ping\n" was
/// answered with \p expected (needs a server serving on another thread).
inline ::testing::AssertionResult answers(const common::Address& address,
                                          const std::string& expected = "PING\n") {
    test::Client client{address};
    client.send("ping\n");
    std::string reply = client.recv_line();
    if (reply != expected) {
        return ::testing::AssertionFailure()
               << "expected " << ::testing::PrintToString(expected) << ", got "
               << ::testing::PrintToString(reply);
    }
    return ::testing::AssertionSuccess();
}

}  // namespace sockserv::ch01_test
