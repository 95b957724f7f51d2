#include "ch02/unix_datagram_server.hpp"

namespace sockserv::ch02 {

UnixDatagramServer::UnixDatagramServer(common::Address server_address,
                                       HandlerFactory RequestHandlerClass, bool bind_and_activate)
    : UDPServer(AnyFamily{}, require_unix(std::move(server_address), "UnixDatagramServer"),
                std::move(RequestHandlerClass), bind_and_activate) {}

}  // namespace sockserv::ch02
