/// \file
/// \brief Exercise 3.3 (given: read it, do not edit it): a server that
/// counts its idle periods with handle_timeout(), and a loop of
/// handle_request() that stops once the server has been idle long enough;
/// you write both in idle_counter.cpp.
///
/// Book: "Exercise 3.3: stopping when idle". Check: `./course check ch03`.
#pragma once

#include <cstddef>
#include <utility>

#include "ch03/socketserver.hpp"
#include "common/seconds.hpp"

namespace sockserv::ch03::exercises {

/// \brief A TCPServer that counts how often handle_request() waited its
/// whole #timeout without a client: its idle periods.
///
/// The constructor sets #timeout to the idle period you give it. Every call
/// of handle_request() then ends one of two ways: a request came and was
/// handled, or #timeout passed and handle_timeout() was called instead.
class IdleCountingServer : public TCPServer {
public:
    /// \brief A TCPServer (see its constructor) whose #timeout is \p idle_period.
    /// \param server_address      where to listen
    /// \param RequestHandlerClass makes the handler of each request
    /// \param idle_period         how long handle_request() waits before it
    ///        counts an idle period
    IdleCountingServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                       common::Seconds idle_period)
        : TCPServer(std::move(server_address), std::move(RequestHandlerClass)) {
        timeout = idle_period;
    }

    /// \brief Your part, 1 of 2: count one more idle period in #idle_periods.
    ///
    /// handle_request() calls it when #timeout has passed with no request.
    // [handle-timeout]
    void handle_timeout() override;
    // [handle-timeout]

    /// \brief How many idle periods there have been since the server was
    /// made, in all (not only consecutive ones).
    std::size_t idle_periods = 0;
};

/// \brief Your part, 2 of 2: serves requests one handle_request() at a time
/// until \p server has been idle for \p idle_periods periods in a row.
///
/// Each call of handle_request() either handles a request or ends an idle
/// period; tell the two apart by watching `server.idle_periods`. A request
/// starts the count of consecutive idle periods again from zero, whether
/// its handler succeeded or failed (a failure is reported by
/// handle_error() inside handle_request(), and is still a request served).
///
/// This is the loop Python's docs suggest for a server that should do
/// something else between requests, or stop on its own: call
/// handle_request() repeatedly, with a timeout, instead of serve_forever().
///
/// \param server       the server, whose #timeout is the length of one period
/// \param idle_periods how many idle periods in a row end the loop; 0 ends
///        it at once, without calling handle_request()
/// \return how many times handle_request() handled a request (rather than
///         an idle period)
/// \throws std::invalid_argument `server.timeout` is empty: handle_request()
///         would wait for ever, and no period could ever be idle. Thrown
///         before any handle_request().
// [serve-until-idle]
std::size_t serve_until_idle(IdleCountingServer& server, std::size_t idle_periods);
// [serve-until-idle]

}  // namespace sockserv::ch03::exercises
