// Exercise 6.1: a process per request, by hand: process_request() forks,
// the child serves the request and exits, the parent goes back to its loop.
//
// Read the book's section "Exercise 6.1: a process per request, by hand"
// first (book/ch06.md, anchor ex-ch06-fork-per-request).
// Check your work with:   ./course check ch06 fork_per_request
// You edit this file only; fork_per_request.hpp (the class) is given.
#include "fork_per_request.hpp"

namespace sockserv::ch06::exercises {

void ForkPerRequestServer::process_request(Request& request,
                                           const common::Address& client_address) {
    const pid_t pid = fork_process();
    if (pid == 0) {
        serve_in_child(request, client_address);  // never returns
    }
    children.insert(pid);
    // The child holds the same connection: closing this copy leaves its
    // conversation alone, where shutdown() would end it for both.
    close_request(request);
}

void ForkPerRequestServer::serve_in_child(Request& request,
                                          const common::Address& client_address) noexcept {
    int status = 1;
    try {
        try {
            finish_request(request, client_address);
            status = 0;
        } catch (const std::exception&) {
            handle_error(request, client_address);
        }
    } catch (...) {
        // SystemExit, or handle_error() itself failing: status 1, and the
        // child still ends here, not in the parent's loop.
    }
    try {
        shutdown_request(request);
    } catch (...) {
        // Nothing is left to tell the client; the process ends anyway.
    }
    exit_child(status);
}

}  // namespace sockserv::ch06::exercises
