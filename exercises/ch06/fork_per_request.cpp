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
    // TODO(exercise): fork with fork_process(). It returns twice: in the
    // parent with the child's pid, in the child with 0.
    //   1. The parent: record the pid in children, close its own copy of
    //      the connection (close_request(), never shutdown_request()), and
    //      return to the loop.
    //   2. The child: serve_in_child(), which never returns.
    // (For now the request is served right here, in the server's own
    // process, one at a time, as in chapter 4.)
    TCPServer::process_request(request, client_address);
}

void ForkPerRequestServer::serve_in_child([[maybe_unused]] Request& request,
                                          [[maybe_unused]] const common::Address& client_address) noexcept {
    // TODO(exercise): serve the request in this process, then end it.
    //   1. finish_request(); a std::exception from it goes to handle_error(),
    //      called inside the catch block.
    //   2. shutdown_request() in every case.
    //   3. exit_child(0) after a served request, exit_child(1) after anything
    //      thrown. Nothing may leave this function (it is noexcept: an
    //      exception would abort the child), and it must never return.
    exit_child(1);
}

}  // namespace sockserv::ch06::exercises
