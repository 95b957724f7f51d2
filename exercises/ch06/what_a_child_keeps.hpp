/// \file
/// \brief Exercise 6.3 (given: read it, do not edit it): how a child
/// process starts, what it lets go of, and how it ends; you write
/// start_child(), ParentServer::leave_the_parent() and end_child() in
/// what_a_child_keeps.cpp.
///
/// Book: "Exercise 6.3: what a child keeps, and how it ends".
/// Check: `./course check ch06 what_a_child_keeps`.
#pragma once

#include <sys/types.h>

#include "ch06/socketserver.hpp"

namespace sockserv::ch06::exercises {

/// \brief Your part, 1 of 3: `fork()`, with the parent's buffered output
/// written out first.
///
/// The child is a copy of the parent's memory, and that includes what
/// `printf()` or `std::cout` have put in a buffer and not yet written.
/// Left there, it is written twice: once by the parent, once by the
/// child, whenever each flushes. So flush every output stream, then fork.
/// \return the child's pid in the parent, 0 in the child
/// \throws std::system_error (through common::throw_system_error) when
///         fork() fails: no process could be made (a limit on processes,
///         or memory)
// [start-child]
pid_t start_child();
// [start-child]

/// \brief Your part, 3 of 3: ends the calling process, a child made by
/// start_child(), with \p status; never returns.
///
/// The child's own buffered output is written first. Then the process
/// ends at once, and nothing else of the parent's program runs in it: no
/// `atexit()` handler, no destructor of a static object. Those belong to
/// the parent, and in the child they would act twice on the parent's
/// things (a temporary file the parent still uses, removed by the child;
/// a log flushed twice). `exit()` runs them all; `_exit()` runs none.
/// \param status the exit status the parent's `waitpid()` will see
// [end-child]
[[noreturn]] void end_child(int status) noexcept;
// [end-child]

/// \brief A TCPServer whose handlers may fork: the child then holds a copy
/// of the server, and of everything the server holds.
class ParentServer : public TCPServer {
public:
    using TCPServer::TCPServer;

    /// \brief Your part, 2 of 3: called in a child, first thing: lets go
    /// of what belongs to the parent's serving loop.
    ///
    /// - The listening socket: the child serves the connection it was
    ///   given and accepts nothing, but while it holds the socket open,
    ///   the port stays open too. After the parent has closed the server,
    ///   clients could still connect, and wait for an answer that never
    ///   comes. Close the child's copy (the member `socket`).
    /// - The serving loop's shutdown() wake-up, an eventfd that parent and
    ///   child now share, and the record that the loop is running (in the
    ///   parent). A child that calls shutdown() on its copy of the server
    ///   would wake the parent's loop. BaseServer::forget_parent_loop()
    ///   gives the child its own.
    /// \throws std::system_error when the child cannot get a new wake-up
    // [leave-the-parent]
    void leave_the_parent();
    // [leave-the-parent]
};

}  // namespace sockserv::ch06::exercises
