// Exercise 6.2: collecting the children: the exited ones at once, the
// first to exit when the server is at its limit, and every one on request.
//
// Read the book's section "Exercise 6.2: collecting the children" first
// (book/ch06.md, anchor ex-ch06-collect-children).
// Check your work with:   ./course check ch06 collect_children
// You edit this file only; collect_children.hpp (ChildCollector) is given.
#include "collect_children.hpp"

#include <cerrno>

#include <sys/wait.h>

namespace sockserv::ch06::exercises {

void ChildCollector::collect_children(bool blocking) {
    // At the limit: the first child to end, whichever, frees a place.
    while (active_children.size() >= max_children) {
        const pid_t done = wait_for_child(-1, 0);
        if (done > 0) {
            active_children.erase(done);
        } else if (errno == ECHILD) {
            active_children.clear();  // no child at all: none of these is one
        } else {
            break;
        }
    }
    for (auto pid = active_children.begin(); pid != active_children.end();) {
        const pid_t done = wait_for_child(*pid, blocking ? 0 : WNOHANG);
        if (done > 0 || (done < 0 && errno == ECHILD)) {
            pid = active_children.erase(pid);  // collected now, or by someone else
        } else {
            ++pid;  // still running
        }
    }
}

}  // namespace sockserv::ch06::exercises
