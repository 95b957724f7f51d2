// Exercise 0.2, solved: an accept that keeps its descriptor home.
//
// Book: "Exercise 0.2: an accept that keeps its descriptor home"
// (book/ch00.md, anchor ex-ch00-accept-cloexec). Check: ./course check ch00
#include "accept_cloexec.hpp"

#include <cerrno>
#include <sys/socket.h>

#include "common/error.hpp"

namespace sockserv::ch00::exercises {

Accepted accept_cloexec(int listener) {
    Accepted accepted;
    for (;;) {
        // In: how much room the address has. Out: how much the kernel used
        // (a sockaddr_in, a sockaddr_in6, a sockaddr_un…).
        socklen_t size = common::Address::capacity();
        // accept4() with SOCK_CLOEXEC creates the descriptor already marked,
        // so no fork() in another thread can catch it unmarked, as it could
        // between accept() and a separate fcntl(F_SETFD, FD_CLOEXEC).
        int fd = ::accept4(listener, accepted.peer.data(), &size, SOCK_CLOEXEC);
        if (fd >= 0) {
            accepted.connection = common::FileDescriptor{fd};
            accepted.peer.set_size(size);
            return accepted;
        }
        if (errno != EINTR) {
            common::throw_system_error("accept4");
        }
    }
}

}  // namespace sockserv::ch00::exercises
