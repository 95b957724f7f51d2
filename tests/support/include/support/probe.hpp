/// \file
/// \brief Questions a test asks the network before or after a server runs.
#pragma once

#include <system_error>

#include "common/address.hpp"

namespace sockserv::test {

/// \brief Whether this machine can bind a socket to IPv6 loopback (`::1`).
///
/// Some containers and CI runners have IPv6 disabled; tests of IPv6
/// behaviour skip there (GTEST_SKIP) rather than fail.
bool ipv6_loopback_available();

/// \brief Tries one stream connection to \p address and closes it again.
/// \return the error connect(2) gave (`std::errc::connection_refused` when
///         nothing listens there), or an empty error_code when it connected.
std::error_code connect_error(const common::Address& address);

/// \brief What `getsockopt(2)` says about an integer option of \p fd.
///
/// Asks the kernel directly rather than through common::Socket, so that a
/// test observes what the server really set. A failed call fails the test.
/// \return the option's value (0 when the call failed)
int socket_option(int fd, int level, int name);

/// \brief The backlog the kernel recorded for listening TCP socket \p fd:
/// for a socket in LISTEN state Linux reports it in TCP_INFO's tcpi_sacked
/// field (what `ss -lt` shows as Send-Q). A socket that is not listening
/// fails the test.
unsigned listen_backlog(int fd);

}  // namespace sockserv::test
