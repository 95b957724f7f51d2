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
#include "support/client.hpp"
#include "support/handlers.hpp"

namespace sockserv::ch01_test {

// The chapter-independent helpers (tests/support): chapter 1's tests
// call them by their ch01_test names too.
using test::loopback_any_port;
using test::serve_one;

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

/// \brief One line through \p address and back: true if "ping\n" was
/// answered with \p expected (needs a server serving on another thread).
inline ::testing::AssertionResult answers(const common::Address& address,
                                          const std::string& expected = "PING\n") {
    test::Client client{address};
    client.send("ping\n");
    return test::same_reply(client.recv_line(), expected);
}

}  // namespace sockserv::ch01_test
