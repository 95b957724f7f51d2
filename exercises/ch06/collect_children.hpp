/// \file
/// \brief Exercise 6.2 (given: read it, do not edit it): ChildCollector,
/// the children a forking server has made and the limit on how many may
/// run at once; you write its collect_children() in collect_children.cpp.
///
/// Book: "Exercise 6.2: collecting the children".
/// Check: `./course check ch06 collect_children`.
#pragma once

#include <cstddef>
#include <set>

#include <sys/types.h>

#include "ch06/socketserver.hpp"

namespace sockserv::ch06::exercises {

/// \brief What a forking server keeps about its children: their pids,
/// and how many may run at once. The bookkeeping half of ForkingMixIn.
///
/// A child that has exited stays a zombie (an entry in the kernel's
/// process table, holding its exit status) until its parent collects it
/// with `waitpid()`. A server that never collects fills the table, and
/// then fork() fails for every program of that user. A server that
/// collects by waiting for each child in turn stops serving while one
/// child is still busy. collect_children() does neither: it collects the
/// children that have exited, without waiting for the others, unless the
/// server is at its limit.
///
/// `waitpid()` in brief (ch06::wait_for_child() is the same call, retried
/// when a signal interrupts it, without the status):
/// - `waitpid(pid, nullptr, 0)` waits for that child to exit and collects
///   it; `waitpid(-1, nullptr, 0)` the same for whichever child exits first.
/// - with `WNOHANG` instead of 0, it does not wait: 0 means "still running".
/// - it returns the pid it collected, or -1 with `errno`: `ECHILD` when
///   there is no such child (none at all, for -1): not this process's, or
///   collected already.
class ChildCollector {
public:
    /// \brief The pids of the children that may still be running; the
    /// server adds each child it makes.
    std::set<pid_t> active_children;
    /// \brief How many children may run at once. Default 40, as Python's.
    std::size_t max_children = 40;

    /// \brief Your part: collects the children that have exited, so that
    /// none stays a zombie; at the limit, first waits for one to exit.
    ///
    /// 1. While #active_children holds #max_children pids or more: wait
    ///    for any child at all to exit (pid -1), and drop its pid. Any
    ///    child, not one of the set in particular: the first to end frees
    ///    a place, whichever it is (and a child that is no one's in the set
    ///    is collected as well, which is why this is done only at the
    ///    limit). If there is no child at all (`ECHILD`), nothing can be
    ///    waited for: empty the set, for none of its pids is a child.
    /// 2. Then ask each pid of the set: without waiting when \p blocking is
    ///    false, waiting for it when true. Drop the pid once it is
    ///    collected, and also when it is no child of this process (`ECHILD`:
    ///    someone collected it already). Keep the others.
    ///
    /// Python's `ForkingMixIn.collect_children()`; a server calls it after
    /// every request, with \p blocking false, and from server_close() with
    /// true.
    /// \param blocking whether to wait for the children that still run
    // [collect-children]
    void collect_children(bool blocking = false);
    // [collect-children]
};

}  // namespace sockserv::ch06::exercises
