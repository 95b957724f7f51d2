// Exercise 6.3: what a child keeps, and how it ends: start a child with
// nothing left to write twice, let go of the parent's serving loop in it,
// and end it without running anything of the parent's.
//
// Read the book's section "Exercise 6.3: what a child keeps, and how it
// ends" first (book/ch06.md, anchor ex-ch06-what-a-child-keeps).
// Check your work with:   ./course check ch06 what_a_child_keeps
// You edit this file only; what_a_child_keeps.hpp (the declarations) is given.
#include "what_a_child_keeps.hpp"

#include <cstdlib>

#include <unistd.h>

namespace sockserv::ch06::exercises {

pid_t start_child() {
    // TODO(exercise): write out every output stream's buffer first (what
    // the parent has not written yet would be copied into the child),
    // then fork(). A failed fork() returns -1: throw, with
    // common::throw_system_error("fork").
    // (For now: a plain fork(), and the parent's unwritten output is
    // written twice.)
    return ::fork();
}

void ParentServer::leave_the_parent() {
    // TODO(exercise): in the child, let go of the parent's serving loop:
    //   1. forget_parent_loop(): a wake-up of the child's own, so that
    //      shutdown() in the child wakes nobody else;
    //   2. close the listening socket, the member `socket`.
    // (For now the child keeps both.)
}

void end_child(int status) noexcept {
    // TODO(exercise): write out the child's own output (every stdio
    // stream: std::fflush with nullptr does them all), then end the process
    // with _exit(status), which runs nothing of the parent's.
    // (For now: exit(), which runs every atexit() handler and static
    // destructor of the program, in the child.)
    std::exit(status);
}

}  // namespace sockserv::ch06::exercises
