/// \file
/// \brief The options Python keeps as class attributes, which matter only when the
/// socket is bound: construct with bind_and_activate = false, set them,
/// then call server_bind() and server_activate(). allow_reuse_port (new in
/// this chapter) sets SO_REUSEPORT, so that two servers can bind one port;
/// Unix-domain servers ignore it, as CPython does since Linux 6.12 refuses
/// the option there (gh-128916). And allow_reuse_address,
/// request_queue_size, max_packet_size and timeout, set the same way.
/// From chapter 3 on: tests/features/suites.cmake runs it on every later chapter.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common/socket.hpp"
#include "features/lifecycle_helpers.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

// A server of class Server on `address`, bound and listening after
// allow_reuse_port was set to `reuse_port`.
template <class Server>
std::unique_ptr<Server> bound_with_reuse_port(const common::Address& address, bool reuse_port) {
    auto server = std::make_unique<Server>(address, handler_factory<UpperEcho, Server>(), false);
    server->allow_reuse_port = reuse_port;
    server->server_bind();
    server->server_activate();
    return server;
}

// The error binding a second server with `reuse_port` where `first` is
// bound raises; none if it binds.
template <class Server>
std::error_code second_bind_error(const Server& first, bool reuse_port) {
    try {
        bound_with_reuse_port<Server>(first.server_address, reuse_port);
    } catch (const std::system_error& error) {
        return error.code();
    }
    return {};
}

template <class Server>
class AllowReusePort : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(AllowReusePort);

TYPED_TEST_P(AllowReusePort, TwoServersThatBothSetItBindTheSameAddressAndPort) {
    // The first asks for port 0, the second binds the port the OS chose.
    auto first = bound_with_reuse_port<TypeParam>(this->server_address(), true);
    auto second = bound_with_reuse_port<TypeParam>(first->server_address, true);

    EXPECT_EQ(second->server_address, first->server_address);
    EXPECT_EQ(socket_option(first->fileno(), SOL_SOCKET, SO_REUSEPORT), 1);
    EXPECT_EQ(socket_option(second->fileno(), SOL_SOCKET, SO_REUSEPORT), 1);
}

TYPED_TEST_P(AllowReusePort, ItIsFalseByDefaultAndUnlessBothSetItTheSecondBindFailsWithAddressInUse) {
    auto by_default = this->make_server(handler_factory<UpperEcho, TypeParam>());
    EXPECT_FALSE(by_default->allow_reuse_port);
    EXPECT_EQ(socket_option(by_default->fileno(), SOL_SOCKET, SO_REUSEPORT), 0);

    EXPECT_EQ(second_bind_error(*by_default, true), std::errc::address_in_use)
        << "the first server did not set it";
    auto sharing = bound_with_reuse_port<TypeParam>(this->server_address(), true);
    EXPECT_EQ(second_bind_error(*sharing, false), std::errc::address_in_use)
        << "the second server did not set it";
    EXPECT_EQ(second_bind_error(*sharing, true), std::error_code{}) << "both set it";
}

template <class Server>
class AllowReusePortOnUnix : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(AllowReusePortOnUnix);

TYPED_TEST_P(AllowReusePortOnUnix, IsIgnoredSoTheServerStillBindsAndServes) {
    // A path has no port to share. Setting SO_REUSEPORT on a Unix socket
    // fails on Linux 6.12 and later, so a server that tried would not bind.
    auto server = bound_with_reuse_port<TypeParam>(this->server_address(), true);

    EXPECT_EQ(socket_option(server->fileno(), SOL_SOCKET, SO_REUSEPORT), 0);
    ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

template <class Server>
class OptionsBeforeBinding : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(OptionsBeforeBinding);

TYPED_TEST_P(OptionsBeforeBinding, AllowReuseAddressSetBeforeServerBindIsOnTheSocket) {
    auto by_default = this->make_server(handler_factory<UpperEcho, TypeParam>());
    EXPECT_FALSE(by_default->allow_reuse_address);
    EXPECT_EQ(socket_option(by_default->fileno(), SOL_SOCKET, SO_REUSEADDR), 0);
    by_default->server_close();

    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);
    server->allow_reuse_address = true;
    if constexpr (kind_of<TypeParam>.unix_domain) {
        std::filesystem::remove(this->directory / "server.sock");  // the first one's
    }
    server->server_bind();
    server->server_activate();

    EXPECT_EQ(socket_option(server->fileno(), SOL_SOCKET, SO_REUSEADDR), 1);
}

TYPED_TEST_P(OptionsBeforeBinding, ATimeoutSetBeforeBindingIsHandleRequestsLimit) {
    // The timeout is not a socket option, but it is set the same way:
    // handle_request() with no client returns once it runs out.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);
    server->timeout = common::Seconds{0.01};
    server->server_bind();
    server->server_activate();

    EXPECT_TRUE(serve_one(*server)) << "handle_request() waited with no limit";
}

template <class Server>
class DatagramOptionsBeforeBinding : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(DatagramOptionsBeforeBinding);

TYPED_TEST_P(DatagramOptionsBeforeBinding, AMaxPacketSizeSetBeforeBindingCutsLongerDatagrams) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);
    server->max_packet_size = 4;
    server->server_bind();
    server->server_activate();
    auto peer = this->client(server->server_address);

    peer->request("abcdefgh");
    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(peer->reply(), "ABCD");
}

template <class Server>
class ListenBacklog : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(ListenBacklog);

// A Unix stream listener takes connections without accept(2) until more
// than backlog are waiting: this many non-blocking connects succeed
// before one fails with EAGAIN.
inline int unix_connections_queued(const common::Address& server) {
    std::vector<common::Socket> waiting;
    for (int i = 0; i < 50; ++i) {
        auto socket = common::Socket::open(AF_UNIX, SOCK_STREAM);
        ::fcntl(socket.fd(), F_SETFL, O_NONBLOCK);
        if (::connect(socket.fd(), server.data(), server.size()) != 0) {
            EXPECT_EQ(errno, EAGAIN) << "connect: " << std::strerror(errno);
            break;
        }
        waiting.push_back(std::move(socket));
    }
    return static_cast<int>(waiting.size());
}

TYPED_TEST_P(ListenBacklog, RequestQueueSizeSetBeforeServerActivateIsTheListenBacklog) {
    for (int queue_size : {2, 5}) {
        auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);
        if (queue_size == 5) {
            EXPECT_EQ(server->request_queue_size, 5) << "Python's default";
        } else {
            server->request_queue_size = queue_size;
        }
        server->server_bind();
        server->server_activate();

        if constexpr (kind_of<TypeParam>.unix_domain) {
            // Full only when more than the backlog wait: one more gets in.
            EXPECT_EQ(unix_connections_queued(server->server_address), queue_size + 1);
            server->server_close();
            std::filesystem::remove(server->server_address.host());
        } else {
            EXPECT_EQ(static_cast<int>(listen_backlog(server->fileno())), queue_size);
        }
    }
}

REGISTER_TYPED_TEST_SUITE_P(AllowReusePort,
                            TwoServersThatBothSetItBindTheSameAddressAndPort,
                            ItIsFalseByDefaultAndUnlessBothSetItTheSecondBindFailsWithAddressInUse);

REGISTER_TYPED_TEST_SUITE_P(AllowReusePortOnUnix,
                            IsIgnoredSoTheServerStillBindsAndServes);

REGISTER_TYPED_TEST_SUITE_P(OptionsBeforeBinding,
                            AllowReuseAddressSetBeforeServerBindIsOnTheSocket,
                            ATimeoutSetBeforeBindingIsHandleRequestsLimit);

REGISTER_TYPED_TEST_SUITE_P(DatagramOptionsBeforeBinding,
                            AMaxPacketSizeSetBeforeBindingCutsLongerDatagrams);

REGISTER_TYPED_TEST_SUITE_P(ListenBacklog,
                            RequestQueueSizeSetBeforeServerActivateIsTheListenBacklog);

}  // namespace sockserv::test
