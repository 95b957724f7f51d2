// Exercise 2.1, solved: a datagram handler that answers each sender, Python's
// `socket.sendto(data, self.client_address)`.
//
// Book: "Exercise 2.1: answering each sender" (book.md, anchor ex-ch02-datagram-handler).
// Check: ./course check ch02
#include "datagram_handler.hpp"

namespace sockserv::ch02::exercises {

void DatagramEchoHandler::handle() {
    // A Unix datagram client that never bound a path sends from no address
    // at all: recvfrom() reports an empty one. A reply has nowhere to go,
    // and sendto() would only fail with a puzzling ENOTCONN. Say what is
    // really wrong instead; handle_error() prints it with the client's
    // address, and the server carries on.
    if (client_address.is_unnamed()) {
        throw CannotReply(
            "cannot answer a Unix datagram client that bound no path: it has no address "
            "to send a reply to");
    }

    // The server kept only the first max_packet_size bytes and the kernel
    // threw the rest away. An echo of the part would look like a complete
    // answer and silently be wrong; refusing is honest. (The client, as
    // with any lost datagram, sees no reply and decides what to do.)
    if (request.truncated) {
        throw CannotReply("the datagram was longer than the server's max_packet_size; "
                          "its end was lost, so it is not echoed");
    }

    // One sendto(), one datagram: its boundaries are the message, so the
    // reply goes out whole, never split into lines or chunks. An empty
    // datagram is a message too, and gets an empty one back.
    //
    // Two choices matter here. The reply goes through the server's own
    // socket, so it comes from the address the client sent to: a client
    // that connect()ed its UDP socket (as `nc -u` does) accepts datagrams
    // from that address only. And it goes to client_address, the sender
    // of this datagram: the socket serves every client and is connected to
    // none, so send() would fail with "Destination address required".
    request.socket().sendto(request.data, client_address);
}

}  // namespace sockserv::ch02::exercises
