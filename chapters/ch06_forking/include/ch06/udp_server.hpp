/// \file
/// \brief Python's `UDPServer`: a server for datagrams.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "ch06/tcp_server.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief A server for UDP: no listen, no accept; each datagram is a request.
///
/// As in Python, a UDPServer is a TCPServer with another socket type and
/// four hooks changed: server_activate() does nothing (a datagram socket
/// does not listen), get_request() reads one datagram with `recvfrom()`,
/// and shutdown_request() and close_request() have no connection to end.
/// The handler answers with `request.socket().sendto(reply, client_address)`.
///
/// \see \ref part-ch02, which teaches this class; \ref part-ch03 adds the
/// request lifecycle it inherits.
class UDPServer : public TCPServer {
public:
    /// \brief Creates a datagram socket and, unless \p bind_and_activate is
    /// false, binds it.
    ///
    /// TCPServer's constructor cannot reach this class's server_activate()
    /// (it would call listen(), which a datagram socket refuses), so this
    /// constructor asks it not to bind and does both steps itself.
    /// \param server_address      an inet address (`HOST:PORT`)
    /// \param RequestHandlerClass makes the handler of each datagram
    /// \param bind_and_activate   false to set options first, then call
    ///        server_bind() and server_activate() yourself
    /// \throws std::invalid_argument \p server_address is not an inet address
    /// \throws std::system_error the socket cannot be created or bound
    UDPServer(common::Address server_address, HandlerFactory RequestHandlerClass,
              bool bind_and_activate = true);

    /// \brief Does nothing: a datagram socket does not listen.
    void server_activate() override;
    /// \brief Reads one datagram: its first max_packet_size bytes and its sender.
    /// \return the request (data and the server's socket) and the sender's address
    std::pair<Request, common::Address> get_request() override;
    /// \brief Only close_request(): there is no connection to shut down.
    /// \param request the datagram request that has been served
    void shutdown_request(Request& request) override;
    /// \brief Does nothing: the socket is the server's, not the request's.
    /// \param request the datagram request that has been served
    void close_request(Request& request) override;

    /// \brief The most bytes of one datagram a handler receives (Python: 8192).
    std::size_t max_packet_size = 8192;

protected:
    /// \brief Marks the constructor that accepts an address of any family.
    ///
    /// \see \ref ch02-family-check, in \ref part-ch02.
    struct AnyFamily {};
    /// \brief The constructor UnixDatagramServer builds on: the same steps,
    /// for an address whose family the caller has already checked.
    /// \param server_address      where to bind
    /// \param RequestHandlerClass makes the handler of each datagram
    /// \param bind_and_activate   bind now, or leave it to the caller
    UDPServer(AnyFamily, common::Address server_address, HandlerFactory RequestHandlerClass,
              bool bind_and_activate);

private:
    std::string buffer_;  // get_request() reads into this, then copies out only the bytes received
};

}  // namespace sockserv::ch06
