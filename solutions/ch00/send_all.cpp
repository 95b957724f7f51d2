// Exercise 0.3, solved: a send loop that finishes the job.
//
// Book: "Exercise 0.3: a send loop that finishes the job" (book/ch00.md,
// anchor ex-ch00-send-all). Check: ./course check ch00
#include "send_all.hpp"

#include <cerrno>
#include <sys/socket.h>

#include "common/error.hpp"

namespace sockserv::ch00::exercises {

void send_all(int fd, std::string_view data) {
    const char* next = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        // MSG_NOSIGNAL: a peer that has gone makes this call fail with
        // EPIPE; without the flag the kernel would also raise SIGPIPE, and
        // its default action would end the whole server.
        ssize_t sent = ::send(fd, next, left, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;  // a signal came before any byte went: nothing to undo
            }
            common::throw_system_error("send");
        }
        // A short count is no error: the kernel took what fitted, or a
        // signal cut the call short after some bytes had gone.
        next += sent;
        left -= static_cast<std::size_t>(sent);
    }
}

}  // namespace sockserv::ch00::exercises
