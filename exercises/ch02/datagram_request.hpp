/// \file
/// \brief Exercise 2.2 (given: read it, do not edit it): a UDPServer whose
/// get_request() you write, in datagram_request.cpp.
///
/// Book: "Exercise 2.2: receiving a datagram request". Check: `./course check ch02`.
#pragma once

#include <utility>

#include "ch02/socketserver.hpp"

namespace sockserv::ch02::exercises {

/// \brief A UDPServer that receives each datagram with your own get_request().
///
/// Everything else is UDPServer's: the constructors (inherited: the
/// constructor never calls get_request(), so no virtual-call trap here),
/// binding, the serving loop, and shutdown_request() and close_request(),
/// which do nothing because a datagram request owns no connection.
class PacketServer final : public UDPServer {
public:
    using UDPServer::UDPServer;

    /// \brief Your part: take one datagram off the server's socket.
    ///
    /// The serving loop calls this once `poll()` has said that a datagram
    /// is waiting. Read it with `recvfrom()`: one call returns exactly one
    /// datagram, and who sent it.
    ///
    /// \return the request, made with `Request{data, socket, truncated}`:
    ///         the datagram's bytes (at most max_packet_size of them), the
    ///         server's own #socket (borrowed: it is the one every reply
    ///         goes out through), and whether the datagram was longer than
    ///         max_packet_size; and the sender's address.
    /// \throws std::system_error `recvfrom()` failed; the serving loop
    ///         then gives up on this request quietly.
    std::pair<Request, common::Address> get_request() override;
};

}  // namespace sockserv::ch02::exercises
