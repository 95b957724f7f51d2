#include "support/probe.hpp"

#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common/socket.hpp"
#include "support/client.hpp"

namespace sockserv::test {

bool ipv6_loopback_available() {
    try {
        auto socket = common::Socket::open(AF_INET6, SOCK_STREAM);
        socket.bind(common::Address::inet("::1", 0));
        return true;
    } catch (const std::system_error&) {
        return false;  // EAFNOSUPPORT (no IPv6) or EADDRNOTAVAIL (no ::1)
    }
}

std::error_code connect_error(const common::Address& address) {
    auto socket = common::Socket::open(address.family(), SOCK_STREAM);
    socket.set_timeout(default_timeout);
    try {
        socket.connect(address);
    } catch (const std::system_error& error) {
        return error.code();
    }
    return {};
}

int socket_option(int fd, int level, int name) {
    int value = 0;
    socklen_t size = sizeof value;
    EXPECT_EQ(::getsockopt(fd, level, name, &value, &size), 0)
        << "getsockopt on fd " << fd << ": " << std::strerror(errno);
    return value;
}

unsigned listen_backlog(int fd) {
    tcp_info info{};
    socklen_t size = sizeof info;
    EXPECT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size), 0) << std::strerror(errno);
    EXPECT_EQ(info.tcpi_state, TCP_LISTEN) << "fd " << fd << " is not listening";
    return info.tcpi_sacked;
}

}  // namespace sockserv::test
