// TCPServer's attributes and its bind/listen steps: address_family,
// socket_type, server_address, allow_reuse_address, request_queue_size,
// bind_and_activate, server_bind, server_activate, fileno, server_close.
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ch01/socketserver.hpp"
#include "common/poller.hpp"
#include "support/client.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "test_handlers.hpp"

namespace {

using namespace sockserv;
using test::socket_option;
using ch01::TCPServer;
using ch01_test::Echo;
using ch01_test::Hello;
using ch01_test::loopback_any_port;
using ch01_test::serve_one;

// The backlog the kernel recorded for a listening TCP socket. For a socket
// in LISTEN state Linux reports it in TCP_INFO's tcpi_sacked field (it is
// what `ss -lt` shows as Send-Q).
unsigned listen_backlog(int fd) {
    tcp_info info{};
    socklen_t size = sizeof info;
    EXPECT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size), 0) << std::strerror(errno);
    EXPECT_EQ(info.tcpi_state, TCP_LISTEN) << "fd " << fd << " is not listening";
    return info.tcpi_sacked;
}

// One line through a server that is not otherwise serving: a client
// connects and sends, handle_request() serves it, the reply arrives.
void expect_one_echo(TCPServer& server) {
    test::Client client{server.server_address};
    client.send("ping\n");
    client.close_write();
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(client.recv_until_eof(), "ping\n");
}

common::Address ipv6_loopback_any_port() {
    return common::Address::parse_inet("[::1]:0");
}

TEST(TCPServer, ServerAddressHasTheRealPortAfterBindingPortZero) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.server_address.host(), "127.0.0.1");
    EXPECT_NE(server.server_address.port(), 0) << "server_address still says port 0";
    test::Client client{server.server_address};
    EXPECT_EQ(client.socket().peer_address(), server.server_address);
}

TEST(TCPServer, ServerAddressHasTheRealPortAfterBindingIpv6PortZero) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    TCPServer server{ipv6_loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.server_address.host(), "::1");
    EXPECT_NE(server.server_address.port(), 0);
    EXPECT_EQ(server.server_address.to_string(),
              "[::1]:" + std::to_string(server.server_address.port()));
    expect_one_echo(server);
}

TEST(TCPServer, ServerAddressIsWhatTheListeningSocketIsBoundTo) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.socket.local_address(), server.server_address);
}

TEST(TCPServer, AddressFamilyIsInetForAnIpv4Address) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.address_family, AF_INET);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_DOMAIN), AF_INET);
}

TEST(TCPServer, AddressFamilyIsInet6ForAnIpv6Address) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    TCPServer server{ipv6_loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.address_family, AF_INET6);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_DOMAIN), AF_INET6);
}

TEST(TCPServer, SocketTypeIsStream) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.socket_type, SOCK_STREAM);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_TYPE), SOCK_STREAM);
}

TEST(TCPServer, AllowReuseAddressIsOffByDefault) {
    // Python: allow_reuse_address = False on TCPServer.
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_FALSE(server.allow_reuse_address);
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_REUSEADDR), 0);
}

TEST(TCPServer, AllowReuseAddressSetsSoReuseaddrWhenBinding) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>(), false};
    server.allow_reuse_address = true;
    server.server_bind();

    EXPECT_NE(socket_option(server.fileno(), SOL_SOCKET, SO_REUSEADDR), 0);
}

// Serves one request on a fresh server whose handler speaks and returns,
// so that the server closes the connection first; the client then reads
// to the end and closes. The server's end of that connection stays in
// TIME_WAIT on the server's port after the server itself is closed: the
// situation of a server restarted right after it stopped.
common::Address port_with_a_connection_in_time_wait(bool allow_reuse_address) {
    TCPServer server{loopback_any_port(), ch01::handler<Hello>(), false};
    server.allow_reuse_address = allow_reuse_address;
    server.server_bind();
    server.server_activate();
    test::Client client{server.server_address};
    EXPECT_TRUE(serve_one(server));
    EXPECT_EQ(client.recv_until_eof(), "hello\n");
    return server.server_address;
}

TEST(TCPServer, AllowReuseAddressLetsARestartedServerBindWhileAConnectionIsInTimeWait) {
    auto address = port_with_a_connection_in_time_wait(true);

    TCPServer restarted{address, ch01::handler<Echo>(), false};
    restarted.allow_reuse_address = true;
    ASSERT_NO_THROW(restarted.server_bind()) << "rebinding " << address;
    restarted.server_activate();
    expect_one_echo(restarted);
}

TEST(TCPServer, WithoutAllowReuseAddressARestartedServerCannotBindWhileAConnectionIsInTimeWait) {
    // The counterpart of the test above: it shows that the port really is
    // still held, so that allow_reuse_address is what made the difference.
    auto address = port_with_a_connection_in_time_wait(false);

    TCPServer restarted{address, ch01::handler<Echo>(), false};
    try {
        restarted.server_bind();
        FAIL() << "binding " << address << " succeeded while a connection was in TIME_WAIT";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();
    }
}

TEST(TCPServer, RequestQueueSizeIsFiveByDefault) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.request_queue_size, 5);
    EXPECT_EQ(listen_backlog(server.fileno()), 5u);
}

TEST(TCPServer, RequestQueueSizeIsTheListenBacklog) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>(), false};
    server.request_queue_size = 17;
    server.server_bind();
    server.server_activate();

    EXPECT_EQ(listen_backlog(server.fileno()), 17u);
}

TEST(TCPServer, ClientsThatArriveBeforeTheServerAcceptsWaitInTheQueue) {
    // Python's docs: requests that arrive while the server is busy are
    // placed into a queue, up to request_queue_size of them.
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    std::vector<std::unique_ptr<test::Client>> clients;
    for (int i = 0; i < server.request_queue_size; ++i) {
        clients.push_back(std::make_unique<test::Client>(server.server_address));
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

TEST(TCPServer, WithoutBindAndActivateTheSocketIsNeitherBoundNorListening) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>(), false};

    ASSERT_GE(server.fileno(), 0) << "the socket is created even when not bound";
    EXPECT_EQ(server.socket.local_address().port(), 0) << "bound already";
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_ACCEPTCONN), 0) << "listening already";
}

TEST(TCPServer, ServerBindBindsButDoesNotListen) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>(), false};
    server.server_bind();

    EXPECT_NE(server.server_address.port(), 0);
    EXPECT_EQ(test::connect_error(server.server_address), std::errc::connection_refused)
        << "a client could connect before server_activate()";
}

TEST(TCPServer, ServerActivateStartsListening) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>(), false};
    server.server_bind();
    server.server_activate();

    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_ACCEPTCONN), 1);
    expect_one_echo(server);
}

TEST(TCPServer, BindAndActivateByDefaultListensAtOnce) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    expect_one_echo(server);
}

TEST(TCPServer, FilenoIsTheListeningSocket) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};

    EXPECT_EQ(server.fileno(), server.socket.fd());
    EXPECT_EQ(socket_option(server.fileno(), SOL_SOCKET, SO_ACCEPTCONN), 1);
}

TEST(TCPServer, FilenoBecomesReadableWhenAClientConnects) {
    // Python: fileno() is what a program hands to selectors to watch
    // several servers at once.
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    common::Poller poller{server.fileno()};
    test::Client client{server.server_address};

    ASSERT_TRUE(poller.wait(test::default_timeout)) << "fileno() never became readable";
    EXPECT_TRUE(poller.readable(server.fileno()));
}

TEST(TCPServer, ServerCloseClosesTheListeningSocket) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    auto address = server.server_address;
    auto fds_before = test::open_fd_count();

    server.server_close();

    EXPECT_EQ(test::open_fd_count(), fds_before - 1);
    EXPECT_EQ(server.fileno(), -1);
    EXPECT_EQ(test::connect_error(address), std::errc::connection_refused);
}

TEST(TCPServer, ServerCloseTwiceIsHarmless) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    auto fds_before = test::open_fd_count();

    server.server_close();
    server.server_close();

    EXPECT_EQ(test::open_fd_count(), fds_before - 1);
}

TEST(TCPServer, DestroyingTheServerClosesItsSocket) {
    // Python's `with TCPServer(...) as server:` calls server_close() at
    // the end of the block; in C++ the end of the scope does.
    auto fds_before = test::open_fd_count();
    common::Address address;
    {
        TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
        address = server.server_address;
    }

    EXPECT_EQ(test::open_fd_count(), fds_before);
    EXPECT_EQ(test::connect_error(address), std::errc::connection_refused);
}

}  // namespace

namespace {

// Python raises when a closed server is asked to serve (select() on a
// closed socket); waiting forever, or spinning, would hide the mistake.
TEST(TCPServer, HandleRequestAfterServerCloseThrowsBadFileDescriptor) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    server.server_close();

    try {
        server.handle_request();
        FAIL() << "handle_request() on a closed server returned instead of throwing";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::bad_file_descriptor) << error.what();
    }
}

TEST(TCPServer, ServeForeverAfterServerCloseThrowsBadFileDescriptor) {
    TCPServer server{loopback_any_port(), ch01::handler<Echo>()};
    server.server_close();

    try {
        server.serve_forever();
        FAIL() << "serve_forever() on a closed server returned instead of throwing";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::bad_file_descriptor) << error.what();
    }
}

}  // namespace
