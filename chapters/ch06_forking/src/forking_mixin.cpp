#include "ch06/forking_mixin.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "common/error.hpp"

namespace sockserv::ch06 {

// [fork-process]
pid_t fork_process() {
    // What sits in the parent's output buffers would be copied into the
    // child, and written twice: once by each process. Write it out first.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) {
        common::throw_system_error("fork");
    }
    return pid;
}
// [fork-process]

// [exit-child]
void exit_child(int status) noexcept {
    // exit() would run the parent's atexit handlers and the destructors of
    // its static objects, in a copy of the parent: files flushed twice,
    // temporary files removed under the parent's feet. _exit() ends the
    // process and nothing else; only the child's own output is written
    // out first, since _exit() drops buffers.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(status);
}
// [exit-child]

void report_uncaught_in_child(const common::Address& client_address) noexcept {
    try {
        std::ostringstream report;  // one write: children report side by side
        report << "Exception in the child process " << ::getpid() << " serving "
               << client_address << ":\n"
               << common::describe_current_exception() << '\n';
        std::cerr << report.str() << std::flush;
    } catch (...) {
        // Out of memory while reporting: nothing more can be said.
    }
}

pid_t wait_for_child(pid_t pid, int options) noexcept {
    pid_t result = 0;
    do {
        result = ::waitpid(pid, nullptr, options);
    } while (result < 0 && errno == EINTR);  // Python retries too (PEP 475)
    return result;
}

}  // namespace sockserv::ch06
