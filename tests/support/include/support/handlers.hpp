/// \file
/// \brief Request handlers and small helpers that the chapter tests share,
/// written once for every chapter from 2 on.
///
/// A handler template takes its chapter's BaseRequestHandler as \p Base
/// (`UpperEcho<ch03::BaseRequestHandler>`); the helpers take any server.
#pragma once

#include <array>
#include <span>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "common/address.hpp"
#include "common/socket.hpp"
#include "common/text.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"

namespace sockserv::test {

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

/// \brief "ping" and "PING", or anything else, compared with a readable message.
inline ::testing::AssertionResult same_reply(const std::string& reply,
                                             const std::string& expected) {
    if (reply == expected) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "expected " << ::testing::PrintToString(expected)
                                         << ", got " << ::testing::PrintToString(reply);
}

/// \brief Runs `server.handle_request()` with the tests' time limit.
///
/// The caller makes sure a request is (or will be) there to serve, or
/// that the server's own timeout ends the wait. Rethrows what
/// handle_request() threw.
template <class Server>
::testing::AssertionResult serve_one(Server& server) {
    BackgroundCall call{[&server] { server.handle_request(); }};
    if (!call.finishes_within(default_timeout)) {
        return ::testing::AssertionFailure() << "handle_request() did not return";
    }
    call.get();
    return ::testing::AssertionSuccess();
}

/// \brief The demo's transformation, for either kind of request.
///
/// A stream request: every byte that arrives goes back upper-cased until
/// the client closes its side (reads and writes have the tests' time
/// limit, so a broken test cannot leave the serving thread blocked). A
/// datagram request: one datagram back, upper-cased, sent from the
/// server's socket to the sender, as Python's datagram handlers answer.
template <class Base>
class UpperEcho : public Base {
public:
    using Base::Base;
    void handle() override {
        if (this->request.is_datagram()) {
            common::ascii_upper(this->request.data);
            this->request.socket().sendto(this->request.data, this->client_address);
            return;
        }
        common::Socket& connection = this->request.socket();
        connection.set_timeout(default_timeout);
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = connection.recv(buffer)) {
            std::span<char> data{buffer.data(), received};
            common::ascii_upper(data);
            connection.send_all({data.data(), data.size()});
        }
    }
};

/// \brief Fails with a message a test can look for.
template <class Base>
class Failing : public Base {
public:
    using Base::Base;
    void handle() override { throw std::runtime_error("the handler failed on purpose"); }
};

}  // namespace sockserv::test
