/// \file
/// \brief Python's `UnixStreamServer`: TCPServer's protocol over a filesystem path.
#pragma once

#include "ch06/tcp_server.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief A stream server on a Unix-domain socket: a path instead of a port.
///
/// Nothing about serving changes: listen, accept, one connected socket per
/// request, exactly as TCPServer. Only the address family does (Python's
/// class differs from TCPServer in `address_family` alone). Clients must
/// be on the same machine, and the file's permissions decide who may connect.
///
/// server_close() does not remove the socket file, as in Python: the next
/// bind() to that path fails with "Address already in use" until someone
/// deletes it. Whoever made the file removes it when done (the demo does).
///
/// \see \ref part-ch02, which teaches this class; \ref part-ch03 adds the
/// request lifecycle it inherits, and \ref ch03-reuseport-unix.
class UnixStreamServer : public TCPServer {
public:
    /// \brief Creates a Unix stream socket and, unless \p bind_and_activate
    /// is false, binds it to the path and listens.
    /// \param server_address      a Unix path (common::Address::unix_path())
    /// \param RequestHandlerClass makes the handler of each connection
    /// \param bind_and_activate   false to set options before binding
    /// \throws std::invalid_argument \p server_address is not a Unix path
    /// \throws std::system_error the path cannot be bound (it exists, its
    ///         directory does not, no permission)
    UnixStreamServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                     bool bind_and_activate = true);
};

}  // namespace sockserv::ch06
