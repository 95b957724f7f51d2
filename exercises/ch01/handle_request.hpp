/// \file
/// \brief Exercise 1.2 (given: read it, do not edit it): one request, from
/// accept to close, written in handle_request.cpp.
///
/// Book: "Exercise 1.2: the accept–handle–close step". Check: `./course check ch01`.
#pragma once

#include "ch01/socketserver.hpp"

namespace sockserv::ch01::exercises {

/// \brief Takes one waiting client and serves it through \p server's
/// hooks: Python's `BaseServer._handle_request_noblock()`.
///
/// The serving loop calls this once `poll()` has said that a client is
/// waiting, so it must not wait for anything itself. It only calls the
/// public hooks of BaseServer: get_request(), process_request(),
/// handle_error() and shutdown_request().
///
/// - If get_request() throws `std::system_error` (the client left before
///   it was accepted, or nobody was waiting after all), there is no request
///   to serve: return quietly. Any other exception is a bug and passes through.
/// - Otherwise run process_request(). If it throws anything, the request
///   still has to end: report it with handle_error(), then shut the request
///   down with shutdown_request(). Nothing escapes: the server goes on.
void handle_request_noblock(BaseServer& server);

}  // namespace sockserv::ch01::exercises
