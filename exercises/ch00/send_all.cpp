// Exercise 0.3: a send loop that finishes the job.
//
// Read the book's section "Exercise 0.3: a send loop that finishes the
// job" first (book/ch00.md, anchor ex-ch00-send-all).
// Check your work with:   ./course check ch00
// You edit this file only; send_all.hpp is given.
#include "send_all.hpp"

#include <cerrno>
#include <sys/socket.h>

#include "common/error.hpp"

namespace sockserv::ch00::exercises {

void send_all([[maybe_unused]] int fd, [[maybe_unused]] std::string_view data) {
    // TODO(exercise): send every byte of `data` on `fd` with send(2).
    //   - send() returns how many bytes it took, which may be fewer than it
    //     was given: carry on with what is left until nothing is.
    //   - -1 with errno EINTR means "interrupted, nothing sent": call again.
    //   - Any other -1 is a real error: throw it (common::throw_system_error).
    //   - The last argument of send() is a set of flags: one of them stops
    //     the kernel from raising SIGPIPE at a peer that has gone.
    // Do not use common::Socket::send_all(): write the loop yourself.
}

}  // namespace sockserv::ch00::exercises
