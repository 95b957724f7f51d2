#include "ch06/unix_datagram_server.hpp"

namespace sockserv::ch06 {

// [unix-datagram-server-constructor]
UnixDatagramServer::UnixDatagramServer(common::Address server_address,
                                       HandlerFactory RequestHandlerClass, bool bind_and_activate)
    : UDPServer(AnyFamily{}, require_unix(std::move(server_address), "UnixDatagramServer"),
                std::move(RequestHandlerClass), bind_and_activate) {}
// [unix-datagram-server-constructor]

}  // namespace sockserv::ch06
