// Exercise 1.1: server_bind(), honouring allow_reuse_address.
//
// Read the book's section "Exercise 1.1: binding the server" first
// (book.md, anchor ex-ch01-reuse-address).
// Check your work with:   ./course check ch01
// You edit this file only; reuse_address.hpp (the class, its constructor) is given.
#include "reuse_address.hpp"

#include <sys/socket.h>

namespace sockserv::ch01::exercises {

void ReuseAddressServer::server_bind() {
    // TODO(exercise): bind the listening `socket` to `server_address`, in three steps:
    //   1. if allow_reuse_address is true, turn on the socket option SO_REUSEADDR
    //      (level SOL_SOCKET, value 1) -- before binding: afterwards it is too late;
    //   2. bind `socket` to `server_address`;
    //   3. store in `server_address` the address the socket is really bound to
    //      (asked for port 0, the OS picked a port: ask the socket which one).
    // The calls you need are members of common::Socket (common/include/common/socket.hpp).
    // Write the steps yourself: calling TCPServer::server_bind() would pass the tests
    // and teach you nothing.
}

}  // namespace sockserv::ch01::exercises
