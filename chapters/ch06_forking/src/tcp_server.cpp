#include "ch06/tcp_server.hpp"

#include <stdexcept>
#include <string>
#include <system_error>

namespace sockserv::ch06 {

// [tcp-server-constructor]
TCPServer::TCPServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                     bool bind_and_activate)
    : TCPServer(require_inet(std::move(server_address), "TCPServer"),
                std::move(RequestHandlerClass), SOCK_STREAM) {
    if (bind_and_activate) {
        // Qualified calls: say plainly that these are TCPServer's own steps,
        // which is all a constructor can reach. If they throw, the socket
        // member is destroyed with the half-built object: nothing leaks.
        TCPServer::server_bind();
        TCPServer::server_activate();
    }
}
// [tcp-server-constructor]

// [tcp-server-base-constructor]
TCPServer::TCPServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                     int socket_type)
    : BaseServer(std::move(server_address), std::move(RequestHandlerClass)),
      address_family(this->server_address.family()),
      socket_type(socket_type),
      socket(common::Socket::open(address_family, socket_type)) {}
// [tcp-server-base-constructor]

// [server-bind]
void TCPServer::server_bind() {
    if (allow_reuse_address) {
        socket.set_option(SOL_SOCKET, SO_REUSEADDR, 1);
    }
    if (allow_reuse_port && (address_family == AF_INET || address_family == AF_INET6)) {
        socket.set_option(SOL_SOCKET, SO_REUSEPORT, 1);  // Unix paths have no port to share
    }
    socket.bind(server_address);
    server_address = socket.local_address();  // the real port, if we asked for 0
}
// [server-bind]

void TCPServer::server_activate() {
    socket.listen(request_queue_size);
}

void TCPServer::server_close() {
    socket.close();
}

int TCPServer::fileno() const {
    return socket.fd();
}

std::pair<Request, common::Address> TCPServer::get_request() {
    auto [connection, client_address] = socket.accept();
    return {Request{std::move(connection)}, client_address};
}

// [shutdown-request]
void TCPServer::shutdown_request(Request& request) {
    try {
        // Explicitly tell the client we are done: close() alone would not
        // send the FIN while another holder of the socket (a forked child,
        // chapter 6) keeps it open.
        request.socket().shutdown(SHUT_WR);
    } catch (const std::system_error&) {
        // ENOTCONN: the client has already gone. Nothing to tell it.
    }
    close_request(request);
}
// [shutdown-request]

void TCPServer::close_request(Request& request) {
    request.close();
}

common::Address require_inet(common::Address address, std::string_view class_name) {
    if (address.family() != AF_INET && address.family() != AF_INET6) {
        throw std::invalid_argument(std::string{class_name} + " needs an inet address (HOST:PORT), not " +
                                    address.to_string());
    }
    return address;
}

common::Address require_unix(common::Address address, std::string_view class_name) {
    if (address.family() != AF_UNIX) {
        throw std::invalid_argument(std::string{class_name} +
                                    " needs a Unix socket path, not " + address.to_string());
    }
    return address;
}

}  // namespace sockserv::ch06
