/// \file
/// \brief Exercise 0.2 (given: read it, do not edit it): taking a
/// connection that no child program inherits, written in accept_cloexec.cpp.
///
/// Book: "Exercise 0.2: an accept that keeps its descriptor home". Check:
/// `./course check ch00`.
#pragma once

#include "common/address.hpp"
#include "common/file_descriptor.hpp"

namespace sockserv::ch00::exercises {

/// \brief A connection taken off a listening socket's queue.
struct Accepted {
    common::FileDescriptor connection;  ///< the new socket, connected to the client
    common::Address peer;               ///< the client's address
};

/// \brief Your part: waits for the next connection on \p listener and
/// takes it, as `accept(2)` does, with one difference: the new descriptor
/// is marked close-on-exec from the moment it exists.
///
/// A descriptor without that mark survives `execve(2)`: a program the
/// server starts (a CGI script, a shell, a helper) would hold a copy of
/// the connection, and the client would not see it end when the server
/// closes it. Marking it afterwards, in a second call, leaves a moment in
/// which another thread may start a program: the mark must be set by the
/// call that creates the descriptor.
///
/// A signal that interrupts the wait (`EINTR`) does not end it: the wait
/// goes on.
///
/// \param listener a listening stream socket (blocking)
/// \return the connection, and the client's address as the kernel gave it
///         (common::Address::data(), capacity() and set_size() are there
///         for a call that fills an address in)
/// \throws std::system_error carrying the `errno` of any other failure
///         (`EINVAL` for a socket that is not listening, `EBADF`…)
Accepted accept_cloexec(int listener);

}  // namespace sockserv::ch00::exercises
