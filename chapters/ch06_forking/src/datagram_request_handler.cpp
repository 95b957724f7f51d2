#include "ch06/datagram_request_handler.hpp"

#include <utility>

namespace sockserv::ch06 {

DatagramRequestHandler::DatagramRequestHandler(Request& request, common::Address client_address,
                                               BaseServer& server)
    : BaseRequestHandler(request, std::move(client_address), server),
      packet(request.data),
      socket(request.socket()) {}

// [datagram-setup]
void DatagramRequestHandler::setup() {
    rfile = BufferedReader{packet};  // a copy: the handler may read as it likes
    wfile = BytesIO{};
}

void DatagramRequestHandler::finish() {
    socket.sendto(wfile.getvalue(), client_address);  // one datagram, even an empty one
}
// [datagram-setup]

}  // namespace sockserv::ch06
