// Exercise 6.2: collecting the children: the exited ones at once, the
// first to exit when the server is at its limit, and every one on request.
//
// Read the book's section "Exercise 6.2: collecting the children" first
// (book/ch06.md, anchor ex-ch06-collect-children).
// Check your work with:   ./course check ch06 collect_children
// You edit this file only; collect_children.hpp (ChildCollector) is given.
#include "collect_children.hpp"

namespace sockserv::ch06::exercises {

void ChildCollector::collect_children([[maybe_unused]] bool blocking) {
    // TODO(exercise): two steps, with wait_for_child() (waitpid(), retried
    // on EINTR) and errno:
    //   1. While active_children holds max_children pids or more: wait for
    //      any child (-1) to exit and drop its pid; if there is no child at
    //      all (ECHILD), empty the set. Stop on any other error.
    //   2. Ask each pid in the set: WNOHANG unless blocking. Drop it when
    //      collected, or when it is not a child of this process (ECHILD);
    //      keep it when it still runs. Mind erasing from a set while you
    //      walk it: erase() returns the next position.
    // (For now nothing is collected: every child that exits stays a zombie,
    // and the set only grows.)
}

}  // namespace sockserv::ch06::exercises
