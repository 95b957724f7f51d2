// Exercise 3.2: a connection log with setup() and finish(), the two hooks
// that BaseRequestHandler::run() calls around handle().
//
// Read the book's section "Exercise 3.2: a connection log with setup() and
// finish()" first (book.md, anchor ex-ch03-connection-log).
// Check your work with:   ./course check ch03
// You edit this file only; connection_log.hpp (Log, the handler, its handle()) is given.
#include "connection_log.hpp"

#include <string>

namespace sockserv::ch03::exercises {

void LoggingHandler::setup() {
    // TODO(exercise): prepare the connection, then log that it opened.
    //   1. If timeout holds a value, make it the connection's timeout:
    //      request.socket() has a call for that (common/include/common/socket.hpp).
    //   2. Write "open CLIENT" to log, CLIENT being client_address as to_string() writes it.
}

void LoggingHandler::finish() {
    // TODO(exercise): log that the connection closed, with how much the client sent:
    //   "close CLIENT bytes=N", N being bytes_received.
    // You need not check whether handle() threw: run() calls finish() either way.
}

}  // namespace sockserv::ch03::exercises
