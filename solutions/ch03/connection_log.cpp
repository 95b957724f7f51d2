// Exercise 3.2, solved: a connection log with setup() and finish(), the two
// hooks that BaseRequestHandler::run() calls around handle().
//
// Book: "Exercise 3.2: a connection log with setup() and finish()"
// (book.md, anchor ex-ch03-connection-log).
// Check: ./course check ch03
#include "connection_log.hpp"

#include <string>

namespace sockserv::ch03::exercises {

void LoggingHandler::setup() {
    // Python's StreamRequestHandler.setup() does the same with its class
    // attribute `timeout`: settimeout() on the connection, before handle()
    // reads anything. From now on a silent client makes recv() throw
    // "timed out" after that long, and the server moves on, instead of
    // waiting for ever while every other client waits behind it.
    if (timeout) {
        request.socket().set_timeout(*timeout);
    }
    // Logged last: if set_timeout() threw, run() would call neither
    // handle() nor finish(), and an "open" line would have no "close".
    log.write("open " + client_address.to_string());
}

void LoggingHandler::finish() {
    // run() calls this after handle() returned and, from its catch block,
    // after handle() threw. Nothing here can fail but the allocation of the
    // line: an exception from finish() would replace handle()'s, and
    // handle_error() would report the wrong one.
    log.write("close " + client_address.to_string() + " bytes=" +
              std::to_string(bytes_received));
}

}  // namespace sockserv::ch03::exercises
