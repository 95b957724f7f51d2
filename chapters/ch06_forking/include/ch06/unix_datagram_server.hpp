/// \file
/// \brief Python's `UnixDatagramServer`: UDPServer's protocol over a filesystem path.
#pragma once

#include "ch06/udp_server.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief A datagram server on a Unix-domain socket.
///
/// Serves as UDPServer does, one datagram per request, answered with
/// `sendto()` to the sender's address. A Unix datagram client that did not
/// bind a path of its own has no address to answer to: its client_address
/// is unnamed (see common::Address::is_unnamed()), and a reply to it fails.
/// As with UnixStreamServer, server_close() leaves the socket file in place.
///
/// \see \ref part-ch02, which teaches this class; \ref part-ch03 adds the
/// request lifecycle it inherits.
class UnixDatagramServer : public UDPServer {
public:
    /// \brief Creates a Unix datagram socket and, unless \p bind_and_activate
    /// is false, binds it to the path.
    /// \param server_address      a Unix path (common::Address::unix_path())
    /// \param RequestHandlerClass makes the handler of each datagram
    /// \param bind_and_activate   false to set options before binding
    /// \throws std::invalid_argument \p server_address is not a Unix path
    /// \throws std::system_error the path cannot be bound
    UnixDatagramServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                       bool bind_and_activate = true);
};

}  // namespace sockserv::ch06
