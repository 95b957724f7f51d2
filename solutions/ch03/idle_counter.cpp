// Exercise 3.3, solved: stopping when idle, with BaseServer's timeout and
// handle_timeout().
//
// Book: "Exercise 3.3: stopping when idle" (book.md, anchor ex-ch03-idle-counter).
// Check: ./course check ch03
#include "idle_counter.hpp"

#include <stdexcept>

namespace sockserv::ch03::exercises {

void IdleCountingServer::handle_timeout() {
    // handle_request() calls this on its own thread, once, when the
    // timeout ran out with nobody waiting. Counting is all there is to do;
    // a forking server (chapter 6) uses the same moment to collect its
    // finished children.
    ++idle_periods;
}

std::size_t serve_until_idle(IdleCountingServer& server, std::size_t idle_periods) {
    // Without a timeout handle_request() waits for a client however long
    // it takes: no period would ever end idle, and a quiet server would
    // keep this loop (and its caller) waiting for ever. Say so instead.
    if (!server.timeout) {
        throw std::invalid_argument(
            "serve_until_idle() needs a server with a timeout: without one, handle_request() "
            "waits for ever and no period is ever idle");
    }

    std::size_t served = 0;
    std::size_t idle_in_a_row = 0;
    while (idle_in_a_row < idle_periods) {  // 0 periods: already done
        // handle_request() does not say which way it ended; the counter
        // does. It grows only in handle_timeout(), which handle_request()
        // calls instead of handling a request, never as well.
        std::size_t idle_before = server.idle_periods;
        server.handle_request();
        if (server.idle_periods != idle_before) {
            ++idle_in_a_row;
        } else {
            // A request (served, failed, or even denied by verify_request):
            // somebody came, so the server was not idle. Count again.
            ++served;
            idle_in_a_row = 0;
        }
    }
    return served;
}

}  // namespace sockserv::ch03::exercises
