// Exercise 0.2: an accept that keeps its descriptor home.
//
// Read the book's section "Exercise 0.2: an accept that keeps its
// descriptor home" first (book/ch00.md, anchor ex-ch00-accept-cloexec).
// Check your work with:   ./course check ch00
// You edit this file only; accept_cloexec.hpp is given.
#include "accept_cloexec.hpp"

#include <cerrno>
#include <sys/socket.h>

#include "common/error.hpp"

namespace sockserv::ch00::exercises {

Accepted accept_cloexec([[maybe_unused]] int listener) {
    // TODO(exercise): take the next connection off `listener`.
    //   - The result's peer is a common::Address: the kernel writes into
    //     its data(), at most capacity() bytes, and says how many it wrote.
    //   - The new descriptor must be close-on-exec from birth: accept(2)
    //     has a sibling that takes flags.
    //   - EINTR: wait again. Any other failure: common::throw_system_error().
    // Do not use common::Socket::accept(): make the call yourself.
    return {};
}

}  // namespace sockserv::ch00::exercises
