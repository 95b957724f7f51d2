// Exercise 2.2, solved: receiving a datagram request, UDPServer's get_request().
//
// Book: "Exercise 2.2: receiving a datagram request" (book.md, anchor ex-ch02-datagram-request).
// Check: ./course check ch02
#include "datagram_request.hpp"

#include <algorithm>
#include <string>
#include <sys/socket.h>

namespace sockserv::ch02::exercises {

std::pair<Request, common::Address> PacketServer::get_request() {
    // One datagram is one message: a single recvfrom() returns all of it
    // (or as much as fits), never part of one and part of the next. So
    // there is no loop here, unlike a stream server's reads: what does not
    // fit in the buffer is not "still to come", it is gone.
    std::string data(max_packet_size, '\0');

    // MSG_TRUNC: for a datagram socket, Linux then returns the datagram's
    // real length even when it was longer than the buffer. Without it the
    // call returns at most max_packet_size, and a datagram of exactly that
    // size cannot be told apart from a longer one that lost its end.
    // Python passes no such flag and truncates without a word.
    auto [length, sender] = socket.recvfrom(data, MSG_TRUNC);

    // With MSG_TRUNC, length may exceed what was stored: keep only the
    // bytes that really are in the buffer.
    bool truncated = length > max_packet_size;
    data.resize(std::min(length, max_packet_size));

    // The request borrows the server's own socket: there is no connection
    // per client, and the handler answers through this socket with
    // sendto(). A zero length is an empty datagram, a request like any
    // other; end-of-stream does not exist for datagrams.
    return {Request{std::move(data), socket, truncated}, sender};
}

}  // namespace sockserv::ch02::exercises
