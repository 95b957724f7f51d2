// Exercise 1.2: the accept-handle-close step, Python's _handle_request_noblock().
//
// Read the book's section "Exercise 1.2: the accept–handle–close step" first
// (book.md, anchor ex-ch01-handle-request).
// Check your work with:   ./course check ch01
// You edit this file only; handle_request.hpp (the declaration) is given.
#include "handle_request.hpp"

namespace sockserv::ch01::exercises {

void handle_request_noblock([[maybe_unused]] BaseServer& server) {
    // TODO(exercise): serve one waiting client through the server's hooks:
    //   1. take the request with server.get_request(); it returns the connection
    //      and the client's address. If it throws std::system_error, there is no
    //      request after all: return quietly (let any other exception through);
    //   2. hand both to server.process_request();
    //   3. if process_request() throws anything at all, the server must go on:
    //      call server.handle_error() (from inside the catch block: it reports the
    //      exception being handled), then server.shutdown_request() to end the request.
    // Do not call server.handle_request() or serve_forever(): they run the chapter's
    // own version of this step, not yours.
}

}  // namespace sockserv::ch01::exercises
