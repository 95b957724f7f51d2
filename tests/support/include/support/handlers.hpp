/// \file
/// \brief Request handlers and small helpers that the chapter tests share,
/// written once for every chapter.
///
/// A handler template takes its chapter's BaseRequestHandler as \p Base
/// (`UpperEcho<ch03::BaseRequestHandler>`); the helpers take any server.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "common/address.hpp"
#include "common/socket.hpp"
#include "common/text.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/server_classes.hpp"

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

/// \brief One line through a stream server at \p address that is serving
/// on another thread: success if "ping\n" is answered with \p expected.
inline ::testing::AssertionResult answers_line(const common::Address& address,
                                               const std::string& expected = "PING\n");

/// \brief "ping" and "PING", or anything else, compared with a readable message.
inline ::testing::AssertionResult same_reply(const std::string& reply,
                                             const std::string& expected) {
    if (reply == expected) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "expected " << ::testing::PrintToString(expected)
                                         << ", got " << ::testing::PrintToString(reply);
}

inline ::testing::AssertionResult answers_line(const common::Address& address,
                                               const std::string& expected) {
    Client client{address};
    client.send("ping\n");
    return same_reply(client.recv_line(), expected);
}

/// \brief Runs `server.handle_request()` with the tests' time limit.
///
/// The caller makes sure a request is (or will be) there to serve, or
/// that the server's own timeout ends the wait. Rethrows what
/// handle_request() threw.
///
/// A server that writes down its hooks (a RecordingServer) is also waited
/// for until the request it handed to process_request() is closed, so that
/// its record is complete: a Threading server's handle_request() returns
/// as soon as the request's thread has started (a synchronous server has
/// closed it by then, and there is nothing to wait for).
template <class Server>
::testing::AssertionResult serve_one(Server& server) {
    constexpr bool recorded = requires(Server& s) {
        s.count("close_request");
        s.wait_for("close_request", std::size_t{1});
    };
    std::size_t processed = 0;
    std::size_t closed = 0;
    if constexpr (recorded) {
        processed = server.count("process_request");
        closed = server.count("close_request");
    }
    BackgroundCall call{[&server] { server.handle_request(); }, "handle_request()"};
    if (!call.finishes_within(default_timeout)) {
        return ::testing::AssertionFailure() << "handle_request() did not return";
    }
    call.get();
    if constexpr (recorded) {
        const std::size_t started = server.count("process_request") - processed;
        if (started > 0 && !server.wait_for("close_request", closed + started)) {
            return ::testing::AssertionFailure() << "the request served was never closed";
        }
    }
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
        if constexpr (has_datagrams<std::remove_reference_t<decltype(this->request)>>) {
            if (this->request.is_datagram()) {
                common::ascii_upper(this->request.data);
                this->request.socket().sendto(this->request.data, this->client_address);
                return;
            }
        }
        common::Socket& connection = socket_of(this->request);
        connection.set_timeout(default_timeout);
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = connection.recv(buffer)) {
            std::span<char> data{buffer.data(), received};
            common::ascii_upper(data);
            connection.send_all({data.data(), data.size()});
        }
    }
};

/// \brief Sends back every byte it receives until the client closes (a
/// stream request; its reads and writes have the tests' time limit).
template <class Base>
class Echo : public Base {
public:
    using Base::Base;
    void handle() override {
        common::Socket& connection = socket_of(this->request);
        connection.set_timeout(default_timeout);
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = connection.recv(buffer)) {
            connection.send_all({buffer.data(), received});
        }
    }
};

/// \brief Says "hello\n" and returns without reading (a stream request):
/// the server closes the connection first.
template <class Base>
class Hello : public Base {
public:
    using Base::Base;
    void handle() override { socket_of(this->request).send_all("hello\n"); }
};

/// \brief Fails with a message a test can look for.
template <class Base>
class Failing : public Base {
public:
    using Base::Base;
    void handle() override { throw std::runtime_error("the handler failed on purpose"); }
};

}  // namespace sockserv::test
