// Exercise 6.3: what a child keeps, and how it ends: start a child with
// nothing left to write twice, let go of the parent's serving loop in it,
// and end it without running anything of the parent's.
//
// Read the book's section "Exercise 6.3: what a child keeps, and how it
// ends" first (book/ch06.md, anchor ex-ch06-what-a-child-keeps).
// Check your work with:   ./course check ch06 what_a_child_keeps
// You edit this file only; what_a_child_keeps.hpp (the declarations) is given.
#include "what_a_child_keeps.hpp"

#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "common/error.hpp"

namespace sockserv::ch06::exercises {

pid_t start_child() {
    // Unwritten output would be copied into the child, and written twice.
    std::cout.flush();
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        common::throw_system_error("fork");
    }
    return pid;
}

void ParentServer::leave_the_parent() {
    forget_parent_loop();
    socket.close();  // the parent's port: this process accepts nothing
}

void end_child(int status) noexcept {
    // _exit() drops the stdio buffers: this process's own output goes first.
    std::cout.flush();
    std::fflush(nullptr);
    ::_exit(status);
}

}  // namespace sockserv::ch06::exercises
