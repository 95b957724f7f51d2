/// \file
/// \brief `wfile`, the writing half of a stream handler: Python's
/// `_SocketWriter` and `io.BufferedWriter` in one class.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/socket.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief Writes to a connection, either at once or through a buffer.
///
/// Python's StreamRequestHandler picks one of two classes by `wbufsize`:
/// - `wbufsize = 0` (its default): `_SocketWriter`, whose `write()` is a
///   `sendall()`. Nothing waits in a buffer, so nothing can be forgotten
///   there, but every write is at least one system call: a reply written
///   line by line is a `send` per line.
/// - any other size: `socket.makefile('wb', wbufsize)`, an
///   `io.BufferedWriter`. Writes gather in the buffer and go out in one
///   `send` when it is full, when flush() is called, or at finish().
///
/// Here one class does both: buffer size 0 is the first, any other size
/// the second. With a timeout on the socket, each send covers its whole
/// data within it (Socket::send_all()), so a client that reads a byte a
/// second cannot hold a writer for ever.
///
/// \see \ref part-ch04, which teaches this class: \ref ch04-wbufsize,
/// \ref ch04-flush-before-wait.
class SocketWriter {
public:
    /// \brief A closed writer, as `wfile` is before setup() opens it.
    SocketWriter() = default;
    /// \brief A writer to \p socket.
    /// \param socket      the connection, borrowed: it must outlive the writer
    /// \param buffer_size 0: every write() is sent before it returns; more:
    ///        writes are gathered up to this many bytes
    SocketWriter(common::Socket& socket, std::size_t buffer_size);

    /// \brief Takes over \p other's socket and buffered bytes.
    /// \param other the writer to take over; left closed
    SocketWriter(SocketWriter&& other) noexcept;
    /// \brief Takes over \p other's socket and buffered bytes (what this
    /// writer still held is dropped: flush first).
    /// \param other the writer to take over; left closed
    /// \return this writer
    SocketWriter& operator=(SocketWriter&& other) noexcept;
    SocketWriter(const SocketWriter&) = delete;
    SocketWriter& operator=(const SocketWriter&) = delete;

    /// \brief Writes \p data: sends it all, or adds it to the buffer
    /// (sending the buffer first when \p data does not fit).
    ///
    /// With a timeout, each send has the whole timeout: a write() that
    /// first flushes the buffer, then sends a \p data too big for it, may
    /// take up to twice the timeout (never for ever, as a limit per
    /// `send(2)` could).
    /// \param data the bytes to write
    /// \return `data.size()`, as Python's `write()` returns the count
    /// \throws std::logic_error when closed; std::system_error when a send fails
    std::size_t write(std::string_view data);
    /// \brief Sends what the buffer holds. A failed flush keeps the bytes
    /// that were not sent (and only those), so that close() tries them again.
    /// \throws std::logic_error when closed; std::system_error when the send fails
    void flush();
    /// \brief Flushes, then closes: Python's `close()`. Closing twice is
    /// harmless. The writer is closed even when the flush throws, and the
    /// exception goes on to the caller.
    void close();
    /// \brief Whether close() was called, or the writer was never opened.
    /// \return Python's `closed`
    [[nodiscard]] bool closed() const noexcept { return socket_ == nullptr; }
    /// \brief How many bytes wait in the buffer for the next send.
    /// \return 0 after every write() of an unbuffered writer
    [[nodiscard]] std::size_t pending() const noexcept { return buffer_.size(); }

private:
    void check_open() const;

    common::Socket* socket_ = nullptr;  // nullptr: closed
    std::size_t capacity_ = 0;          // 0: unbuffered
    std::string buffer_;
};

}  // namespace sockserv::ch06
