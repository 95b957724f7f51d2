/// \file
/// \brief Exercise 2.1 (given: read it, do not edit it): a handler that
/// answers every datagram to its sender, written in datagram_handler.cpp.
///
/// Book: "Exercise 2.1: answering each sender". Check: `./course check ch02`.
#pragma once

#include <stdexcept>

#include "ch02/socketserver.hpp"

/// \brief What the chapter-2 exercises ask you to write.
namespace sockserv::ch02::exercises {

/// \brief Thrown by DatagramEchoHandler::handle() for a datagram it must
/// not answer. The server's handle_error() reports it, naming the client,
/// and goes on with the next datagram.
class CannotReply : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// \brief An echo handler for the datagram servers (UDPServer and
/// UnixDatagramServer): each datagram is answered with one datagram
/// holding the same bytes, sent back to whoever sent it.
///
/// A datagram server has no connection per client. Its handler receives
/// Python's pair `(data, socket)`: `request.data` holds the datagram's
/// bytes, and `request.socket()` is the server's own socket, the one that
/// serves every client. Who the sender was is known only from
/// `client_address`.
class DatagramEchoHandler : public BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;

    /// \brief Your part: answer this one datagram.
    ///
    /// - Send exactly one datagram back, with exactly the bytes received
    ///   (an empty datagram is answered with an empty one), to
    ///   `client_address`, through the server's socket `request.socket()`.
    /// - A sender whose address is unnamed (a Unix datagram client that
    ///   bound no path) cannot be answered: throw CannotReply, saying so,
    ///   without trying to send.
    /// - A datagram the server cut to `max_packet_size` (`request.truncated`)
    ///   is not echoed: its echo would look complete and be wrong. Throw
    ///   CannotReply, without sending.
    /// \throws CannotReply for the two cases above
    /// \throws std::system_error `sendto()` failed
    void handle() override;
};

}  // namespace sockserv::ch02::exercises
