// Exercise 2.1: a datagram handler that answers each sender, Python's
// `socket.sendto(data, self.client_address)`.
//
// Read the book's section "Exercise 2.1: answering each sender" first
// (book.md, anchor ex-ch02-datagram-handler).
// Check your work with:   ./course check ch02
// You edit this file only; datagram_handler.hpp (the class, CannotReply) is given.
#include "datagram_handler.hpp"

namespace sockserv::ch02::exercises {

void DatagramEchoHandler::handle() {
    // TODO(exercise): answer the datagram in request.data with one datagram.
    //   1. If client_address is unnamed (common::Address::is_unnamed()), nobody can
    //      receive a reply: throw CannotReply with a message that says why.
    //   2. If request.truncated is true, the server kept only the beginning of the
    //      datagram: throw CannotReply too, rather than echo a part as if it were whole.
    //   3. Otherwise send request.data back, all of it in one datagram, to
    //      client_address, through the server's socket: request.socket().
    // A datagram socket is connected to nobody: of the calls in common::Socket
    // (common/include/common/socket.hpp), only one takes the address to send to.
}

}  // namespace sockserv::ch02::exercises
