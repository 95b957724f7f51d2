/// \file
/// \brief Python's `StreamRequestHandler`: a connection as two files,
/// `rfile` and `wfile`.
#pragma once

#include <optional>

#include "ch06/base_request_handler.hpp"
#include "ch06/buffered_reader.hpp"
#include "ch06/socket_io.hpp"
#include "ch06/socket_writer.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief A handler for stream servers that reads and writes the connection
/// as files: `rfile.readline()`, `wfile.write()`.
///
/// setup() opens the two files, finish() flushes and closes them; your
/// handle() only reads and writes:
/// \code
/// class Echo : public StreamRequestHandler {
/// public:
///     using StreamRequestHandler::StreamRequestHandler;
///     void handle() override {
///         for (const std::string& line : rfile) {
///             wfile.write(line);
///         }
///     }
/// };
/// \endcode
///
/// Python's class attributes are members here, with Python's defaults.
/// Python changes them in a subclass (`timeout = 5`); in C++ your
/// constructor sets them, and setup() reads them after it has run:
/// \code
/// class Slow : public StreamRequestHandler {
/// public:
///     Slow(Request& r, common::Address a, BaseServer& s) : StreamRequestHandler(r, std::move(a), s) {
///         timeout = common::Seconds{5};
///         wbufsize = 64 * 1024;
///     }
/// };
/// \endcode
///
/// As in CPython, `disable_nagle_algorithm` on a Unix stream connection
/// makes setup() fail (a Unix socket has no TCP options): the server
/// reports it through handle_error() and the client is closed unserved.
/// The course keeps that, rather than silently skipping the option: a
/// handler that asks for TCP_NODELAY and does not get it should hear so.
///
/// \see \ref part-ch04, which teaches this class: \ref ch04-stream-handler,
/// \ref ch04-timeouts, \ref ch04-wbufsize.
class StreamRequestHandler : public BaseRequestHandler {
public:
    /// \brief Stores what every handler stores; the files open in setup().
    /// \param request        the connection to the client
    /// \param client_address who the client is
    /// \param server         the server that received the request
    StreamRequestHandler(Request& request, common::Address client_address, BaseServer& server);

    /// \brief Python's order: `connection`; its timeout when #timeout is
    /// set; TCP_NODELAY when #disable_nagle_algorithm is; then #rfile and #wfile.
    /// \throws std::system_error when an option cannot be set
    void setup() override;
    /// \brief Flushes #wfile (unless handle() closed it), then closes both files.
    ///
    /// A socket error while flushing is ignored, as in Python: the client
    /// may be gone, and nothing can reach it now. But the bytes stay in a
    /// buffered #wfile, and closing it flushes again: that second error is
    /// not ignored, and reaches handle_error(), as in CPython.
    void finish() override;

    /// \brief `rfile`'s buffer: -1 (the default) for
    /// BufferedReader::default_buffer_size, 0 for an unbuffered reader
    /// (a system call per byte of a line), or a size in bytes.
    long rbufsize = -1;
    /// \brief `wfile`'s buffer: 0 (the default) sends every write() before
    /// it returns; -1 for BufferedReader::default_buffer_size; or a size in bytes.
    long wbufsize = 0;
    /// \brief The connection's timeout (Socket::set_timeout()): how long
    /// one read may wait, and one write() or flush() may take. Empty
    /// (Python's `None`, the default): for ever. Zero: never wait, as in
    /// Python; a read or write that would wait throws instead (see
    /// \ref ch04-timeouts for where the course differs from CPython).
    std::optional<common::Seconds> timeout;
    /// \brief Sets TCP_NODELAY on the connection: small writes go out at
    /// once instead of waiting for the previous one's acknowledgement.
    bool disable_nagle_algorithm = false;

    /// \brief The connection: Python's `self.connection`, the request's socket.
    common::Socket& connection;
    /// \brief The connection as a file to read: lines, blocks, or the rest.
    BufferedReader rfile;
    /// \brief The connection as a file to write.
    SocketWriter wfile;

private:
    SocketIO raw_;  // what rfile reads from
};

}  // namespace sockserv::ch06
