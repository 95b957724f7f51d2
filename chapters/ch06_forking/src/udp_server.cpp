#include "ch06/udp_server.hpp"

#include <algorithm>
#include <sys/socket.h>

namespace sockserv::ch06 {

// [udp-server-constructor]
UDPServer::UDPServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                     bool bind_and_activate)
    : UDPServer(AnyFamily{}, require_inet(std::move(server_address), "UDPServer"),
                std::move(RequestHandlerClass), bind_and_activate) {}

UDPServer::UDPServer(AnyFamily, common::Address server_address, HandlerFactory RequestHandlerClass,
                     bool bind_and_activate)
    : TCPServer(std::move(server_address), std::move(RequestHandlerClass), SOCK_DGRAM) {
    if (bind_and_activate) {
        // This class's steps: TCPServer's constructor would have called
        // listen(), which a datagram socket refuses (EOPNOTSUPP).
        UDPServer::server_bind();
        UDPServer::server_activate();
    }
}
// [udp-server-constructor]

// [udp-server-activate]
void UDPServer::server_activate() {
    // A datagram socket receives as soon as it is bound: nothing to listen for.
}
// [udp-server-activate]

// [udp-get-request]
std::pair<Request, common::Address> UDPServer::get_request() {
    // MSG_TRUNC makes recvfrom() return the datagram's real length even when
    // the buffer is smaller, so a truncation can be told apart from a
    // datagram that was exactly max_packet_size long. Python cannot tell.
    buffer_.resize(max_packet_size);
    auto [length, client_address] = socket.recvfrom(buffer_, MSG_TRUNC);
    std::size_t kept = std::min(length, max_packet_size);
    return {Request{buffer_.substr(0, kept), socket, length > max_packet_size}, client_address};
}
// [udp-get-request]

// [udp-shutdown-request]
void UDPServer::shutdown_request(Request& request) {
    close_request(request);  // no connection, so no shutdown(2)
}

void UDPServer::close_request(Request&) {
    // The socket belongs to the server and serves the next datagram too.
}
// [udp-shutdown-request]

}  // namespace sockserv::ch06
