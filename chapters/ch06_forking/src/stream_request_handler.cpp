#include "ch06/stream_request_handler.hpp"

#include <system_error>
#include <utility>
#include <netinet/in.h>
#include <netinet/tcp.h>

namespace sockserv::ch06 {

namespace {

// Python's makefile(): a negative size means the default buffer.
std::size_t buffer_size(long size) {
    return size < 0 ? BufferedReader::default_buffer_size : static_cast<std::size_t>(size);
}

}  // namespace

StreamRequestHandler::StreamRequestHandler(Request& request, common::Address client_address,
                                           BaseServer& server)
    : BaseRequestHandler(request, std::move(client_address), server),
      connection(request.socket()),
      raw_(connection) {}

// [stream-setup]
void StreamRequestHandler::setup() {
    if (timeout) {
        connection.set_timeout(timeout);
    }
    if (disable_nagle_algorithm) {
        connection.set_option(IPPROTO_TCP, TCP_NODELAY, 1);
    }
    rfile = BufferedReader{raw_, buffer_size(rbufsize)};
    wfile = SocketWriter{connection, buffer_size(wbufsize)};
}
// [stream-setup]

// [stream-finish]
void StreamRequestHandler::finish() {
    if (!wfile.closed()) {
        try {
            wfile.flush();
        } catch (const std::system_error&) {
            // The client may be gone (Python's `except socket.error: pass`).
        }
    }
    wfile.close();  // flushes again what is left, and that error is not swallowed
    rfile.close();
}
// [stream-finish]

}  // namespace sockserv::ch06
