/// \file
/// \brief Exercise 3.2 (given: read it, do not edit it): a handler that logs
/// each connection's opening and closing, however handle() ends; you write
/// its setup() and finish() in connection_log.cpp.
///
/// Book: "Exercise 3.2: a connection log with setup() and finish()". Check: `./course check ch03`.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ch03/socketserver.hpp"
#include "common/seconds.hpp"

namespace sockserv::ch03::exercises {

/// \brief Where the handlers write their log: a list of lines, in the order
/// they were written.
///
/// A real server would write to a file or to syslog; this one keeps the
/// lines, so that a test can read them. Safe to share between threads (the
/// threading servers of chapter 5 will need that).
class Log {
public:
    /// \brief Appends one line (without a trailing newline).
    /// \param line the line to append
    void write(std::string line) {
        std::lock_guard lock{mutex_};
        lines_.push_back(std::move(line));
    }
    /// \brief Every line written so far, oldest first.
    /// \return a copy of the lines
    [[nodiscard]] std::vector<std::string> lines() const {
        std::lock_guard lock{mutex_};
        return lines_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

/// \brief A stream handler that logs one line when a connection opens and
/// one when it closes, and limits how long it waits for a client.
///
/// For a client at 127.0.0.1:41234 that sent 12 bytes, the log gets:
/// \code
/// open 127.0.0.1:41234
/// close 127.0.0.1:41234 bytes=12
/// \endcode
/// The client's address is written as common::Address::to_string() writes
/// it. The first line comes before handle() does anything, the second after
/// handle() has ended, whether it returned or threw.
///
/// handle() is given: it echoes what it receives until the client closes,
/// counting the bytes in #bytes_received. Derive from this class and
/// override handle() for another protocol; setup() and finish() stay the
/// same, as long as your handle() adds what it receives to #bytes_received.
class LoggingHandler : public BaseRequestHandler {
public:
    /// \brief Stores what every handler gets, plus where to log and how long to wait.
    /// \param request        the connection
    /// \param client_address the client's address
    /// \param server         the server
    /// \param log            where to write the two lines
    /// \param timeout        the longest any single read or write on the
    ///        connection may wait; empty: for ever
    LoggingHandler(Request& request, common::Address client_address, BaseServer& server,
                   Log& log, std::optional<common::Seconds> timeout = std::nullopt)
        : BaseRequestHandler(request, std::move(client_address), server),
          log(log),
          timeout(timeout) {}

    /// \brief Your part, 1 of 2: prepare the connection, and log its opening.
    ///
    /// - If #timeout is set, make it the connection's timeout
    ///   (`request.socket()`), as Python's StreamRequestHandler does in its
    ///   setup(): a client that stays silent then makes handle() fail with
    ///   `std::system_error` (timed out) instead of blocking the server.
    ///   If it is empty, leave the connection as it is.
    /// - Write `open CLIENT` to #log.
    // [setup]
    void setup() override;
    // [setup]

    /// \brief Given: echoes every byte back until the client closes its
    /// side, adding the bytes to #bytes_received.
    /// \throws std::system_error the connection failed, or a read or write
    ///         took longer than #timeout
    void handle() override {
        std::array<char, 4096> buffer;
        while (std::size_t received = request.socket().recv(buffer)) {
            bytes_received += received;
            request.socket().send_all({buffer.data(), received});
        }
    }

    /// \brief Your part, 2 of 2: log the closing.
    ///
    /// Writes `close CLIENT bytes=N` to #log, with N = #bytes_received.
    /// The server calls it after handle(), also when handle() threw.
    /// It must not throw: an exception from finish() would replace the one
    /// handle() threw, and the server would report the wrong error.
    // [finish]
    void finish() override;
    // [finish]

protected:
    /// \brief Where the two lines go.
    Log& log;
    /// \brief The connection's timeout, set by setup(); empty: none.
    std::optional<common::Seconds> timeout;
    /// \brief How many bytes handle() has received from the client so far.
    std::size_t bytes_received = 0;
};

/// \brief A factory for servers: one \p Handler per request, logging to
/// \p log, with \p timeout on its connection.
///
/// Python would set class attributes; C++ passes the arguments through the
/// factory (see HandlerFactory).
/// \tparam Handler LoggingHandler, or a class derived from it with the same constructor
/// \param log     the log every handler writes to; must outlive the server
/// \param timeout the connection timeout of every handler
/// \return the factory, for a server's constructor
template <class Handler = LoggingHandler>
HandlerFactory logging_handler(Log& log, std::optional<common::Seconds> timeout = std::nullopt) {
    return [&log, timeout](Request& request, const common::Address& client_address,
                           BaseServer& server) {
        return std::make_unique<Handler>(request, client_address, server, log, timeout);
    };
}

}  // namespace sockserv::ch03::exercises
