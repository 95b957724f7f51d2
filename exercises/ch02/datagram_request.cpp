// Exercise 2.2: receiving a datagram request, UDPServer's get_request().
//
// Read the book's section "Exercise 2.2: receiving a datagram request" first
// (book.md, anchor ex-ch02-datagram-request).
// Check your work with:   ./course check ch02
// You edit this file only; datagram_request.hpp (the class) is given.
#include "datagram_request.hpp"

#include <sys/socket.h>

namespace sockserv::ch02::exercises {

std::pair<Request, common::Address> PacketServer::get_request() {
    // TODO(exercise): read one datagram from `socket` and return it as a request:
    //   1. make room for max_packet_size bytes, and receive one datagram into it with
    //      socket.recvfrom(), which also tells you who sent it;
    //   2. find out whether the datagram was longer than max_packet_size (the kernel
    //      drops the rest silently; a flag of recvfrom() makes it tell you the real
    //      length: see `man 2 recv`);
    //   3. return {Request{the bytes kept, socket, truncated}, the sender's address}.
    // An empty datagram is a request like any other (recvfrom() returns 0 for it, and
    // that means nothing else for a datagram socket).
    // The stub below returns an empty stream request, which serves nobody.
    return {};
}

}  // namespace sockserv::ch02::exercises
