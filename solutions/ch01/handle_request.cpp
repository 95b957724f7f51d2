// Exercise 1.2, solved: the accept-handle-close step, Python's _handle_request_noblock().
//
// Book: "Exercise 1.2: the accept–handle–close step" (book.md, anchor ex-ch01-handle-request).
// Check: ./course check ch01
#include "handle_request.hpp"

#include <system_error>
#include <tuple>

namespace sockserv::ch01::exercises {

void handle_request_noblock(BaseServer& server) {
    // Declared out here so that they outlive the try block below. If this
    // function leaves early, their destructors close the connection: RAII
    // does what Python's garbage collector would eventually do.
    Request request;
    common::Address client_address;
    try {
        std::tie(request, client_address) = server.get_request();
    } catch (const std::system_error&) {
        // accept() failed: the client reset the connection before we took it,
        // or another process took it first. There is nobody to serve or to
        // report to. Python catches only OSError here, and so do we: any
        // other exception is a bug and must be seen.
        return;
    }

    try {
        // The default finishes the request (runs the handler) and then shuts
        // it down; a mixin (chapters 5, 6) overrides it to use a thread or a
        // process instead. Either way it is the one call that serves.
        server.process_request(request, client_address);
    } catch (...) {
        // A handler's failure must not stop the server: report it while the
        // exception is still the one being handled (handle_error() describes
        // it), then end the request, which process_request() never reached.
        // catch (...) because a handler may throw anything, not only
        // std::exception.
        server.handle_error(request, client_address);
        server.shutdown_request(request);
    }
}

}  // namespace sockserv::ch01::exercises
