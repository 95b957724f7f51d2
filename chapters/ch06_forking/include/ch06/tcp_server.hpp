/// \file
/// \brief Python's `TCPServer`: a BaseServer on a listening stream socket.
#pragma once

#include <string_view>
#include <sys/socket.h>

#include "ch06/base_server.hpp"
#include "common/socket.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief A server for TCP: one listening socket, one connected socket per
/// request, served one at a time. The base of the other three classes.
///
/// Python's class attributes (allow_reuse_address, allow_reuse_port,
/// request_queue_size) are members here. They only matter when the socket
/// is bound, so to change them construct with `bind_and_activate = false`,
/// set them, then call server_bind() and server_activate() yourself, as
/// Python's docs describe for that flag:
/// \code
/// TCPServer server{address, handler<Echo>(), false};
/// server.allow_reuse_address = true;
/// server.allow_reuse_port = true;
/// server.request_queue_size = 128;
/// server.server_bind();
/// server.server_activate();
/// \endcode
///
/// \see \ref part-ch01, which introduces this class, and \ref part-ch03,
/// which teaches what chapter 3 added: \ref ch03-reuse-port-vs-address,
/// \ref ch03-options-before-bind.
class TCPServer : public BaseServer {
public:
    /// \brief Creates the socket and, unless \p bind_and_activate is false,
    /// binds it to \p server_address and starts listening.
    ///
    /// The address family comes from the address (`AF_INET` or `AF_INET6`).
    /// Binding here calls TCPServer's own server_bind() and
    /// server_activate(): while this constructor runs, the object is not
    /// yet your subclass, so your overrides are not reached. A subclass that
    /// overrides them passes false and calls them from its own constructor.
    /// \param server_address      where to listen; port 0 lets the OS choose,
    ///        and server_address then holds the real port
    /// \param RequestHandlerClass makes the handler of each request; see
    ///        handler()
    /// \param bind_and_activate   true: bind and listen now; false: leave
    ///        that to the caller, who may first change the options below
    /// \throws std::invalid_argument \p server_address is not an inet
    ///         address (a Unix path belongs to UnixStreamServer)
    /// \throws std::system_error the socket cannot be created or bound; no
    ///         descriptor is leaked
    TCPServer(common::Address server_address, HandlerFactory RequestHandlerClass,
              bool bind_and_activate = true);

    /// \brief Closes the listening socket, as leaving Python's `with` block
    /// does through server_close().
    ///
    /// Nothing to write: the member #socket closes its descriptor when it
    /// is destroyed. (A destructor could not usefully call the virtual
    /// server_close() anyway: by then the derived parts are gone.)
    ~TCPServer() override = default;

    /// \brief Sets SO_REUSEADDR if allow_reuse_address and SO_REUSEPORT if
    /// allow_reuse_port, binds, and records the bound address in server_address.
    virtual void server_bind();
    /// \brief Starts listening, with a queue of request_queue_size.
    virtual void server_activate();
    /// \brief Closes the listening socket.
    void server_close() override;
    /// \brief The listening socket's descriptor.
    /// \return `socket.fd()`; `-1` after server_close()
    [[nodiscard]] int fileno() const override;
    /// \brief `accept(2)`: the connection and the client's address.
    /// \return the connected socket and the client's address
    std::pair<Request, common::Address> get_request() override;
    /// \brief Half-closes the connection (SHUT_WR, so the client reads EOF
    /// even if another process still holds the socket), then close_request().
    /// \param request the connection that has been served
    void shutdown_request(Request& request) override;
    /// \brief Closes the connection.
    /// \param request the connection to close
    void close_request(Request& request) override;

    /// \brief `AF_INET`, `AF_INET6` or `AF_UNIX`, from the address given.
    const int address_family;
    /// \brief `SOCK_STREAM`, or `SOCK_DGRAM` for the datagram servers.
    const int socket_type;
    /// \brief Set SO_REUSEADDR before binding, so that a restarted server
    /// can bind while old connections linger in TIME_WAIT. Python's default: false.
    bool allow_reuse_address = false;
    /// \brief Set SO_REUSEPORT before binding, so that several sockets (in
    /// one process or several) can bind the same address and port, and the
    /// kernel spreads the clients among them. Python's default: false.
    ///
    /// Only inet sockets have ports: for a Unix-domain server the flag is
    /// ignored, as CPython does since Linux (6.13, and 6.12.9 and 6.1.124
    /// in their stable series) began to refuse the option there (CPython
    /// issue gh-128916).
    bool allow_reuse_port = false;
    /// \brief The listen backlog: how many connections may wait to be
    /// accepted. Python's default: 5.
    int request_queue_size = 5;
    /// \brief The server's socket: listening, or receiving datagrams.
    common::Socket socket;

protected:
    /// \brief Creates the socket and binds nothing: the constructor the
    /// other three server classes build on.
    ///
    /// Python's subclasses change the class attributes `socket_type` and
    /// `address_family`; here they pass a socket type, and the family
    /// comes from the address. Each public constructor then checks the
    /// address and binds with its own class's steps.
    /// \param server_address      where to bind, later
    /// \param RequestHandlerClass makes the handler of each request
    /// \param socket_type         `SOCK_STREAM` or `SOCK_DGRAM`
    TCPServer(common::Address server_address, HandlerFactory RequestHandlerClass, int socket_type);
};

/// \ingroup ch06
/// \brief Returns \p address if it is an inet address (IPv4 or IPv6).
/// \param address    the address a server was given
/// \param class_name the server's Python name, for the message
/// \return \p address, unchanged
/// \throws std::invalid_argument it is not: `UDPServer needs an inet address (HOST:PORT), not /tmp/x.sock`
common::Address require_inet(common::Address address, std::string_view class_name);

/// \ingroup ch06
/// \brief Returns \p address if it is a Unix-domain path.
/// \param address    the address a server was given
/// \param class_name the server's Python name, for the message
/// \return \p address, unchanged
/// \throws std::invalid_argument it is not: `UnixStreamServer needs a Unix socket path, not 127.0.0.1:80`
common::Address require_unix(common::Address address, std::string_view class_name);

}  // namespace sockserv::ch06
