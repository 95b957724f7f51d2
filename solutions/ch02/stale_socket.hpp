/// \file
/// \brief Exercise 2.4 (given: read it, do not edit it): a UnixStreamServer
/// that can restart over the socket file its predecessor left behind,
/// whose server_bind() you write in stale_socket.cpp.
///
/// Book: "Exercise 2.4: stale socket files". Check: `./course check ch02`.
#pragma once

#include <utility>

#include "ch02/socketserver.hpp"

namespace sockserv::ch02::exercises {

/// \brief A UnixStreamServer that removes a stale socket file before it
/// binds, and nothing else.
///
/// bind() creates the socket file, and nothing removes it: not close(),
/// not server_close() (as in Python), not a crash. The next server on that
/// path then fails with "Address already in use" although nobody uses it.
/// This server clears the way, carefully: the file may also belong to a
/// server that is still running, or not be a socket at all.
///
/// As in exercise 1.1, the constructor asks the base not to bind, and calls
/// server_bind() itself: from TCPServer's constructor, the call would
/// never reach this class's override.
class RestartableUnixServer final : public UnixStreamServer {
public:
    /// \brief Creates the socket, binds it with your server_bind(), and
    /// starts listening.
    /// \param server_address      a Unix path (common::Address::unix_path())
    /// \param RequestHandlerClass makes the handler of each connection
    /// \throws std::system_error binding failed; `EADDRINUSE` when the path
    ///         is taken by something that must not be removed
    RestartableUnixServer(common::Address server_address, HandlerFactory RequestHandlerClass)
        : UnixStreamServer(std::move(server_address), std::move(RequestHandlerClass),
                           /*bind_and_activate=*/false) {
        server_bind();
        server_activate();
    }

    /// \brief Your part: remove the file at the path if, and only if, it is
    /// a stale socket file; then bind as TCPServer::server_bind() does.
    ///
    /// A file at the path is stale when it is a socket and a connection to
    /// it is refused (`ECONNREFUSED`): no socket is bound to it any more.
    /// Anything else stays where it is: a socket some server still answers
    /// on (the connection succeeds, or fails otherwise, for instance with
    /// `EPROTOTYPE` when the server is a datagram one), and any file that
    /// is not a socket. bind() then fails with `EADDRINUSE`, naming the path.
    void server_bind() override;
};

}  // namespace sockserv::ch02::exercises
