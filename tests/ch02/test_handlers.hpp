/// \file
/// \brief Handlers and small helpers the chapter-2 tests share.
#pragma once

#include <array>
#include <span>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "ch02/socketserver.hpp"
#include "common/address.hpp"
#include "common/text.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"

namespace sockserv::ch02_test {

/// \brief IPv4 loopback with a port the OS chooses: every test gets its own.
inline common::Address loopback_any_port() {
    return common::Address::parse_inet("127.0.0.1:0");
}

/// \brief IPv6 loopback with a port the OS chooses.
inline common::Address ipv6_loopback_any_port() {
    return common::Address::parse_inet("[::1]:0");
}

/// \brief \p text with its ASCII letters upper-cased: what UpperEcho answers.
inline std::string upper_copy(std::string text) {
    common::ascii_upper(text);
    return text;
}

/// \brief The demo's transformation, for either kind of request.
///
/// A stream request: every byte that arrives goes back upper-cased until
/// the client closes its side (reads and writes have the tests' time
/// limit, so a broken test cannot leave the serving thread blocked). A
/// datagram request: one datagram back, upper-cased, sent from the
/// server's socket to the sender, as Python's datagram handlers answer.
class UpperEcho : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        if (request.is_datagram()) {
            common::ascii_upper(request.data);
            request.socket().sendto(request.data, client_address);
            return;
        }
        common::Socket& connection = request.socket();
        connection.set_timeout(test::default_timeout);
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = connection.recv(buffer)) {
            std::span<char> data{buffer.data(), received};
            common::ascii_upper(data);
            connection.send_all({data.data(), data.size()});
        }
    }
};

/// \brief Fails with a message a test can look for.
class Failing : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { throw std::runtime_error("the handler failed on purpose"); }
};

/// \brief Runs `server.handle_request()` with the tests' time limit.
///
/// handle_request() has no timeout of its own in chapter 2; the caller
/// makes sure a request is (or will be) there to serve. Rethrows what
/// handle_request() threw.
inline ::testing::AssertionResult serve_one(ch02::BaseServer& server) {
    test::BackgroundCall call{[&server] { server.handle_request(); }};
    if (!call.finishes_within(test::default_timeout)) {
        return ::testing::AssertionFailure() << "handle_request() did not return";
    }
    call.get();
    return ::testing::AssertionSuccess();
}

/// \brief "ping" and "PING", or anything else, compared with a readable message.
inline ::testing::AssertionResult same_reply(const std::string& reply,
                                             const std::string& expected) {
    if (reply == expected) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "expected " << ::testing::PrintToString(expected)
                                         << ", got " << ::testing::PrintToString(reply);
}

}  // namespace sockserv::ch02_test
