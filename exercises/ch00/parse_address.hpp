/// \file
/// \brief Exercise 0.1 (given: read it, do not edit it): from `HOST:PORT`
/// to the kernel's socket address, written in parse_address.cpp.
///
/// Book: "Exercise 0.1: from text to sockaddr". Check: `./course check ch00`.
#pragma once

#include <string_view>

#include <sys/socket.h>

namespace sockserv::ch00::exercises {

/// \brief A socket address as `bind(2)` and `connect(2)` take it.
///
/// `sockaddr_storage` is big enough, and aligned enough, for the address
/// of any family; the one that is really there (a `sockaddr_in` or a
/// `sockaddr_in6`) sits at its start, and \ref size says how many bytes
/// of it count.
struct SocketAddress {
    sockaddr_storage storage{};  ///< the address, all zero where unused
    socklen_t size = 0;          ///< `sizeof` the family's own struct
};

/// \brief Your part: the socket address that \p text names.
///
/// The forms accepted:
/// - `IPV4:PORT`, such as `127.0.0.1:8080`: an IPv4 literal, four decimal
///   numbers with dots, gives a `sockaddr_in`;
/// - `[IPV6]:PORT`, such as `[::1]:8080`: an IPv6 literal, always in
///   brackets (its own colons would be mistaken for the port's), gives a
///   `sockaddr_in6`. Only an IPv6 literal goes in brackets;
/// - `NAME:PORT`, such as `localhost:8080`: a host name, looked up with
///   `getaddrinfo(3)`; the first address it returns, of either family.
///
/// `PORT` is a decimal number from 0 to 65535 and nothing else (no sign,
/// no space); 0 asks the OS to choose when binding. In the address the
/// kernel gets, the port and the host are in network byte order.
///
/// \param text the address as a person types it
/// \return the address and its size
/// \throws std::invalid_argument \p text is malformed: no colon, no host,
///         no port, a port that is not such a number, an IPv6 literal
///         without brackets, brackets around anything but an IPv6 literal
/// \throws common::AddressError the text is well formed but the name
///         does not resolve (`no-such-host.invalid:80`)
SocketAddress parse_address(std::string_view text);

}  // namespace sockserv::ch00::exercises
