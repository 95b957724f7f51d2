// Exercise 1.1, solved: server_bind(), honouring allow_reuse_address.
//
// Book: "Exercise 1.1: binding the server" (book.md, anchor ex-ch01-reuse-address).
// Check: ./course check ch01
#include "reuse_address.hpp"

#include <sys/socket.h>

namespace sockserv::ch01::exercises {

void ReuseAddressServer::server_bind() {
    // The option is read by bind() itself: set after binding, it would not
    // change whether this bind succeeds. With it, the kernel lets us bind a
    // port that still has old connections in TIME_WAIT (a server restarted
    // a moment ago); without it, bind() fails with EADDRINUSE for up to a
    // minute. It never lets two servers listen on one port.
    if (allow_reuse_address) {
        socket.set_option(SOL_SOCKET, SO_REUSEADDR, 1);
    }

    // No try/catch: a failed bind throws std::system_error naming the
    // address, and the constructor that called us passes it on to whoever
    // made the server. The half-built server's socket closes on the way out.
    socket.bind(server_address);

    // Port 0 means "any free port": only the socket knows which one the OS
    // chose. Clients (and tests) read server_address to find the server,
    // so it must hold the real address, as Python's getsockname() call does.
    server_address = socket.local_address();
}

}  // namespace sockserv::ch01::exercises
