/// \file
/// \brief Exercise 4.2 (given: read it, do not edit it): a small buffered
/// writer over a socket, which never loses a byte and never sends one
/// twice; you write its write() and flush() in buffered_writer.cpp.
///
/// Book: "Exercise 4.2: a buffered writer that keeps what it could not send".
/// Check: `./course check ch04 buffered_writer`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/socket.hpp"

namespace sockserv::ch04::exercises {

/// \brief Gathers small writes in a buffer and sends them in one go: the
/// writing half of what `socket.makefile('wb', capacity)` gives Python.
///
/// A handler that answers line by line would make one `send` per line;
/// through this writer its lines leave together, when the buffer is full
/// or when flush() is called.
///
/// The promise that matters when sending fails (a timeout, a client that
/// has gone): every byte given to write() is, at any moment, either sent or
/// in pending(), exactly one of the two, and in the order written. After
/// an exception, pending() is exactly what has not reached the socket, so
/// calling flush() again later is always safe: it sends each byte that is
/// left once, and none that went already.
class BufferedWriter {
public:
    /// \brief A writer to \p socket, gathering up to \p capacity bytes.
    /// \param socket   the connection, borrowed: it must outlive the writer
    /// \param capacity how many bytes may wait before they must be sent;
    ///        0: every write() is sent at once
    BufferedWriter(common::Socket& socket, std::size_t capacity)
        : socket_(socket), capacity_(capacity) {
        buffer_.reserve(capacity);
    }

    /// \brief Your part, 1 of 2: takes \p data.
    ///
    /// - Adds \p data to the buffer.
    /// - If the buffer now holds more than capacity() bytes, sends it all
    ///   at once with flush(). A buffer exactly full waits.
    ///
    /// So small writes gather, and the write that overflows the buffer goes
    /// out with everything before it, in one `send_all()`. (Python's
    /// pure-Python `io` module, `_pyio`, does the same. Its C twin, which
    /// `makefile()` really uses, and the chapter's SocketWriter send the old
    /// bytes first and keep the new ones; this way has the simpler promise
    /// when sending fails, below.)
    /// \param data the bytes to write
    /// \return `data.size()`, as Python's `write()` returns the count
    /// \throws std::system_error what flush() throws. \p data was taken
    ///         all the same: what was not sent of it is in pending(), and
    ///         the way to try again is flush(), never a second write().
    // [write]
    std::size_t write(std::string_view data);
    // [write]

    /// \brief Your part, 2 of 2: sends everything the buffer holds.
    ///
    /// One `socket.send_all(pending, &sent)` (common/socket.hpp), which
    /// counts in `sent` the bytes that went out, even when it throws. Then:
    /// - it returned: nothing is pending any more;
    /// - it threw: pending() keeps exactly the bytes that were not sent
    ///   (the first `sent` ones went: drop them, keep the rest), and the
    ///   same exception goes on to the caller.
    ///
    /// With nothing pending, it sends nothing.
    /// \throws std::system_error from the socket: `timed_out` when the
    ///         socket's timeout ran out, `EPIPE` or `ECONNRESET` when the
    ///         client has gone, `operation_would_block` on a non-blocking
    ///         socket whose send buffer is full
    // [flush]
    void flush();
    // [flush]

    /// \brief The bytes written and not yet sent, oldest first.
    /// \return a view of the buffer, valid until the next write() or flush()
    [[nodiscard]] std::string_view pending() const noexcept { return buffer_; }
    /// \brief The connection the writer sends to (the tests set its timeout).
    /// \return the socket given to the constructor
    [[nodiscard]] common::Socket& socket() noexcept { return socket_; }
    /// \brief How many bytes may wait in the buffer.
    /// \return the capacity given to the constructor
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
    common::Socket& socket_;
    std::size_t capacity_;
    std::string buffer_;  // written, not yet sent: what pending() shows
};

}  // namespace sockserv::ch04::exercises
