/// \file
/// \brief TCPServer's attributes and its bind/listen steps, as chapter 1
/// made them: address_family, socket_type, server_address,
/// allow_reuse_address, request_queue_size, bind_and_activate, server_bind,
/// server_activate, fileno, server_close. `TCPServer`, over every chapter's
/// TCP classes.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common/poller.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"

namespace sockserv::test {

template <class Server>
class TCPServer : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(TCPServer);

// One line through a server that is not otherwise serving: a client
// connects and sends, handle_request() serves it, the reply arrives.
template <class Server>
void expect_one_echo(Server& server) {
    Client client{server.server_address};
    client.send("ping\n");
    client.close_write();
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(client.recv_until_eof(), "ping\n");
}

TYPED_TEST_P(TCPServer, ServerAddressHasTheRealPortAfterBindingPortZero) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.server_address.host(), "127.0.0.1");
    EXPECT_NE(server.server_address.port(), 0) << "server_address still says port 0";
    Client client{server.server_address};
    EXPECT_EQ(client.socket().peer_address(), server.server_address);
}

TYPED_TEST_P(TCPServer, ServerAddressHasTheRealPortAfterBindingIpv6PortZero) {
    if (!ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    TypeParam server{ipv6_loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.server_address.host(), "::1");
    EXPECT_NE(server.server_address.port(), 0);
    EXPECT_EQ(server.server_address.to_string(),
              "[::1]:" + std::to_string(server.server_address.port()));
    expect_one_echo(server);
}

TYPED_TEST_P(TCPServer, ServerAddressIsWhatTheListeningSocketIsBoundTo) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.socket.local_address(), server.server_address);
}

TYPED_TEST_P(TCPServer, AddressFamilyIsInetForAnIpv4Address) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.address_family, AF_INET);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_DOMAIN), AF_INET);
}

TYPED_TEST_P(TCPServer, AddressFamilyIsInet6ForAnIpv6Address) {
    if (!ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    TypeParam server{ipv6_loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.address_family, AF_INET6);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_DOMAIN), AF_INET6);
}

TYPED_TEST_P(TCPServer, SocketTypeIsStream) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.socket_type, SOCK_STREAM);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_TYPE), SOCK_STREAM);
}

TYPED_TEST_P(TCPServer, AllowReuseAddressIsOffByDefault) {
    // Python: allow_reuse_address = False on TCPServer.
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_FALSE(server.allow_reuse_address);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_REUSEADDR), 0);
}

TYPED_TEST_P(TCPServer, AllowReuseAddressSetsSoReuseaddrWhenBinding) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>(), false};
    server.allow_reuse_address = true;
    server.server_bind();

    EXPECT_NE(socket_option(server.fileno(), SOL_SOCKET, SO_REUSEADDR), 0);
}

// Whether the kernel holds a connection in TIME_WAIT (state 06 of
// /proc/net/tcp) whose local end is \p port. It may not: when its table
// of TIME_WAIT sockets is full (net.ipv4.tcp_max_tw_buckets), as under a
// load of tens of thousands of short connections from other programs, it
// drops a closing connection at once, and the port is free.
inline bool time_wait_on_port(std::uint16_t port) {
    std::ifstream table{"/proc/net/tcp"};
    std::string line;
    std::getline(table, line);  // the header
    while (std::getline(table, line)) {
        std::istringstream fields{line};
        std::string slot, local, remote, state;
        fields >> slot >> local >> remote >> state;
        auto colon = local.find(':');
        if (colon != std::string::npos && state == "06" &&
            std::stoul(local.substr(colon + 1), nullptr, 16) == port) {
            return true;
        }
    }
    return false;
}

// Serves one request on a fresh server whose handler speaks and returns,
// so that the server closes the connection first; the client then reads
// to the end and closes. The server's end of that connection stays in
// TIME_WAIT on the server's port after the server itself is closed: the
// situation of a server restarted right after it stopped. Made again (on
// a new port) when the kernel kept no TIME_WAIT, up to five times.
template <class Server>
common::Address port_with_a_connection_in_time_wait(bool allow_reuse_address) {
    common::Address address;
    for (int attempt = 0; attempt < 5; ++attempt) {
        {
            Server server{loopback_any_port(), handler_factory<Hello, Server>(), false};
            server.allow_reuse_address = allow_reuse_address;
            server.server_bind();
            server.server_activate();
            Client client{server.server_address};
            EXPECT_TRUE(serve_one(server));
            EXPECT_EQ(client.recv_until_eof(), "hello\n");
            address = server.server_address;
        }
        if (time_wait_on_port(address.port())) {
            return address;
        }
    }
    ADD_FAILURE() << "five connections closed by the server left no TIME_WAIT on its port: is "
                     "the kernel's table of them full (net.ipv4.tcp_max_tw_buckets)?";
    return address;
}

TYPED_TEST_P(TCPServer, AllowReuseAddressLetsARestartedServerBindWhileAConnectionIsInTimeWait) {
    auto address = port_with_a_connection_in_time_wait<TypeParam>(true);

    TypeParam restarted{address, handler_factory<Echo, TypeParam>(), false};
    restarted.allow_reuse_address = true;
    ASSERT_NO_THROW(restarted.server_bind()) << "rebinding " << address;
    restarted.server_activate();
    expect_one_echo(restarted);
}

TYPED_TEST_P(TCPServer, WithoutAllowReuseAddressARestartedServerCannotBindWhileAConnectionIsInTimeWait) {
    // The counterpart of the test above: it shows that the port really is
    // still held, so that allow_reuse_address is what made the difference.
    auto address = port_with_a_connection_in_time_wait<TypeParam>(false);

    TypeParam restarted{address, handler_factory<Echo, TypeParam>(), false};
    try {
        restarted.server_bind();
        FAIL() << "binding " << address << " succeeded while a connection was in TIME_WAIT";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();
    }
}

TYPED_TEST_P(TCPServer, RequestQueueSizeIsFiveByDefault) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.request_queue_size, 5);
    EXPECT_EQ(listen_backlog(server.fileno()), 5u);
}

TYPED_TEST_P(TCPServer, RequestQueueSizeIsTheListenBacklog) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>(), false};
    server.request_queue_size = 17;
    server.server_bind();
    server.server_activate();

    EXPECT_EQ(listen_backlog(server.fileno()), 17u);
}

TYPED_TEST_P(TCPServer, ClientsThatArriveBeforeTheServerAcceptsWaitInTheQueue) {
    // Python's docs: requests that arrive while the server is busy are
    // placed into a queue, up to request_queue_size of them.
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < server.request_queue_size; ++i) {
        clients.push_back(std::make_unique<Client>(server.server_address));
        clients.back()->send("client " + std::to_string(i) + "\n");
        clients.back()->close_write();
    }

    for (std::size_t i = 0; i < clients.size(); ++i) {
        ASSERT_TRUE(serve_one(server));
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
        EXPECT_EQ(clients[i]->recv_until_eof(), "client " + std::to_string(i) + "\n");
    }
}

TYPED_TEST_P(TCPServer, WithoutBindAndActivateTheSocketIsNeitherBoundNorListening) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>(), false};

    ASSERT_GE(server.fileno(), 0) << "the socket is created even when not bound";
    EXPECT_EQ(server.socket.local_address().port(), 0) << "bound already";
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_ACCEPTCONN), 0) << "listening already";
}

TYPED_TEST_P(TCPServer, ServerBindBindsButDoesNotListen) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>(), false};
    server.server_bind();

    EXPECT_NE(server.server_address.port(), 0);
    EXPECT_EQ(connect_error(server.server_address), std::errc::connection_refused)
        << "a client could connect before server_activate()";
}

TYPED_TEST_P(TCPServer, ServerActivateStartsListening) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>(), false};
    server.server_bind();
    server.server_activate();

    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_ACCEPTCONN), 1);
    expect_one_echo(server);
}

TYPED_TEST_P(TCPServer, BindAndActivateByDefaultListensAtOnce) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    expect_one_echo(server);
}

TYPED_TEST_P(TCPServer, FilenoIsTheListeningSocket) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};

    EXPECT_EQ(server.fileno(), server.socket.fd());
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_ACCEPTCONN), 1);
}

TYPED_TEST_P(TCPServer, FilenoBecomesReadableWhenAClientConnects) {
    // Python: fileno() is what a program hands to selectors to watch
    // several servers at once.
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    common::Poller poller{server.fileno()};
    Client client{server.server_address};

    ASSERT_TRUE(poller.wait(default_timeout)) << "fileno() never became readable";
    EXPECT_TRUE(poller.readable(server.fileno()));
}

TYPED_TEST_P(TCPServer, ServerCloseClosesTheListeningSocket) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    auto address = server.server_address;
    auto fds_before = open_fd_count();

    server.server_close();

    EXPECT_EQ(open_fd_count(), fds_before - 1);
    EXPECT_EQ(server.fileno(), -1);
    EXPECT_EQ(connect_error(address), std::errc::connection_refused);
}

TYPED_TEST_P(TCPServer, ServerCloseTwiceIsHarmless) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    auto fds_before = open_fd_count();

    server.server_close();
    server.server_close();

    EXPECT_EQ(open_fd_count(), fds_before - 1);
}

TYPED_TEST_P(TCPServer, DestroyingTheServerClosesItsSocket) {
    // Python's `with TCPServer(...) as server:` calls server_close() at
    // the end of the block; in C++ the end of the scope does.
    auto fds_before = open_fd_count();
    common::Address address;
    {
        TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
        address = server.server_address;
    }

    EXPECT_EQ(open_fd_count(), fds_before);
    EXPECT_EQ(connect_error(address), std::errc::connection_refused);
}

// Python raises when a closed server is asked to serve (select() on a
// closed socket); waiting forever, or spinning, would hide the mistake.
TYPED_TEST_P(TCPServer, HandleRequestAfterServerCloseThrowsBadFileDescriptor) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    server.server_close();

    try {
        server.handle_request();
        FAIL() << "handle_request() on a closed server returned instead of throwing";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::bad_file_descriptor) << error.what();
    }
}

TYPED_TEST_P(TCPServer, ServeForeverAfterServerCloseThrowsBadFileDescriptor) {
    TypeParam server{loopback_any_port(), handler_factory<Echo, TypeParam>()};
    server.server_close();

    try {
        server.serve_forever();
        FAIL() << "serve_forever() on a closed server returned instead of throwing";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::bad_file_descriptor) << error.what();
    }
}

REGISTER_TYPED_TEST_SUITE_P(TCPServer,
                            ServerAddressHasTheRealPortAfterBindingPortZero,
                            ServerAddressHasTheRealPortAfterBindingIpv6PortZero,
                            ServerAddressIsWhatTheListeningSocketIsBoundTo,
                            AddressFamilyIsInetForAnIpv4Address,
                            AddressFamilyIsInet6ForAnIpv6Address,
                            SocketTypeIsStream,
                            AllowReuseAddressIsOffByDefault,
                            AllowReuseAddressSetsSoReuseaddrWhenBinding,
                            AllowReuseAddressLetsARestartedServerBindWhileAConnectionIsInTimeWait,
                            WithoutAllowReuseAddressARestartedServerCannotBindWhileAConnectionIsInTimeWait,
                            RequestQueueSizeIsFiveByDefault,
                            RequestQueueSizeIsTheListenBacklog,
                            ClientsThatArriveBeforeTheServerAcceptsWaitInTheQueue,
                            WithoutBindAndActivateTheSocketIsNeitherBoundNorListening,
                            ServerBindBindsButDoesNotListen,
                            ServerActivateStartsListening,
                            BindAndActivateByDefaultListensAtOnce,
                            FilenoIsTheListeningSocket,
                            FilenoBecomesReadableWhenAClientConnects,
                            ServerCloseClosesTheListeningSocket,
                            ServerCloseTwiceIsHarmless,
                            DestroyingTheServerClosesItsSocket,
                            HandleRequestAfterServerCloseThrowsBadFileDescriptor,
                            ServeForeverAfterServerCloseThrowsBadFileDescriptor);

}  // namespace sockserv::test
