/// \file
/// \brief Two connected sockets, and the bytes that cross them: for tests of
/// the socket layer and of the files built on it, with no server between.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common/address.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"
#include "support/background_call.hpp"

namespace sockserv::test {

/// \brief Two connected Unix stream sockets.
///
/// On a Unix socket a send() that returned has put its bytes in the peer's
/// receive queue, so the peer can tell at once what was sent and what not.
/// \param timeout each side's timeout: by default a limit on every wait, as
///        every test needs; `std::nullopt` for a test of blocking itself
/// \return the two ends
inline std::pair<common::Socket, common::Socket> socket_pair(
    std::optional<common::Seconds> timeout = default_timeout) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        throw std::system_error(errno, std::system_category(), "socketpair");
    }
    std::pair<common::Socket, common::Socket> pair{common::Socket{common::FileDescriptor{fds[0]}},
                                                   common::Socket{common::FileDescriptor{fds[1]}}};
    pair.first.set_timeout(timeout);
    pair.second.set_timeout(timeout);
    return pair;
}

/// \brief A TCP connection over loopback, Nagle's algorithm off on the
/// client so that each small send leaves at once.
/// \param timeout each side's timeout, as for socket_pair()
/// \return {client side, server side}
inline std::pair<common::Socket, common::Socket> loopback_connection(
    std::optional<common::Seconds> timeout = default_timeout) {
    auto listener = common::Socket::open(AF_INET, SOCK_STREAM);
    listener.bind(common::Address::parse_inet("127.0.0.1:0"));
    listener.listen(1);
    listener.set_timeout(default_timeout);  // accept() never waits for ever
    auto client = common::Socket::open(AF_INET, SOCK_STREAM);
    client.connect(listener.local_address());
    client.set_option(IPPROTO_TCP, TCP_NODELAY, 1);
    client.set_timeout(timeout);
    auto server = listener.accept().first;
    server.set_timeout(timeout);
    return {std::move(client), std::move(server)};
}

/// \brief Reads until the peer closes (each wait limited by the socket's timeout).
/// \param socket the end to read
/// \return every byte that arrived
inline std::string read_to_end(common::Socket& socket) {
    std::string all;
    char buffer[64 * 1024];
    while (std::size_t received = socket.recv(buffer)) {
        all.append(buffer, received);
    }
    return all;
}

/// \brief What has arrived at \p socket and not been read, without waiting.
/// \param socket the end to read
/// \param most   read no more than this
/// \return the bytes; "" when nothing is there
inline std::string take_what_arrived(common::Socket& socket,
                                     std::size_t most = std::numeric_limits<std::size_t>::max()) {
    std::string all;
    char buffer[64 * 1024];
    while (all.size() < most) {
        auto received = ::recv(socket.fd(), buffer, std::min(sizeof buffer, most - all.size()),
                               MSG_DONTWAIT);
        if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (received < 0) {
            throw std::system_error(errno, std::system_category(), "recv");
        }
        if (received == 0) {
            break;  // the end of the stream
        }
        all.append(buffer, static_cast<std::size_t>(received));
    }
    return all;
}

/// \brief Bytes that are not all alike (every value, NUL and `\n`
/// included), so that a lost, repeated or reordered piece shows.
/// \param size how many
/// \return the bytes
inline std::string patterned(std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<char>((i * 7 + i / 4096) % 251);
    }
    return bytes;
}

}  // namespace sockserv::test
