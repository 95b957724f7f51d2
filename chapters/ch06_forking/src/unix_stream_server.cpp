#include "ch06/unix_stream_server.hpp"

#include <sys/socket.h>

namespace sockserv::ch06 {

// [unix-stream-server-constructor]
UnixStreamServer::UnixStreamServer(common::Address server_address,
                                   HandlerFactory RequestHandlerClass, bool bind_and_activate)
    : TCPServer(require_unix(std::move(server_address), "UnixStreamServer"),
                std::move(RequestHandlerClass), SOCK_STREAM) {
    if (bind_and_activate) {
        TCPServer::server_bind();  // the same steps as TCP: only the family differs
        TCPServer::server_activate();
    }
}
// [unix-stream-server-constructor]

}  // namespace sockserv::ch06
