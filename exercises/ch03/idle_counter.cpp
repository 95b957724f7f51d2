// Exercise 3.3: stopping when idle, with BaseServer's timeout and
// handle_timeout().
//
// Read the book's section "Exercise 3.3: stopping when idle" first
// (book.md, anchor ex-ch03-idle-counter).
// Check your work with:   ./course check ch03
// You edit this file only; idle_counter.hpp (the server class) is given.
#include "idle_counter.hpp"

#include <stdexcept>

namespace sockserv::ch03::exercises {

void IdleCountingServer::handle_timeout() {
    // TODO(exercise): count one more idle period in idle_periods.
    // handle_request() calls this when its timeout passed with nobody there.
}

std::size_t serve_until_idle([[maybe_unused]] IdleCountingServer& server,
                             [[maybe_unused]] std::size_t idle_periods) {
    // TODO(exercise): call server.handle_request() again and again, until the
    // server has had idle_periods idle periods in a row; return how many of those
    // calls handled a request.
    //   1. First: with no server.timeout, throw std::invalid_argument (why is in
    //      the header).
    //   2. handle_request() returns nothing: compare server.idle_periods before and
    //      after the call to know whether it was an idle period or a request.
    //   3. A request starts the count of idle periods in a row again from zero.
    return 0;
}

}  // namespace sockserv::ch03::exercises
