/// \file
/// \brief Exercise 1.3 (given: read it, do not edit it): a handler's line
/// reader that survives partial `recv()`s, written in line_reader.cpp.
///
/// Book: "Exercise 1.3: reading lines from a stream". Check: `./course check ch01`.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/socket.hpp"

namespace sockserv::ch01::exercises {

/// \brief Thrown by LineReader::read_line() when a line is longer than
/// the reader allows.
///
/// A server that waits for the end of a line must not wait forever, nor
/// store whatever a client sends: past the limit it gives up on the client.
class LineTooLong : public std::runtime_error {
public:
    /// \brief Says which limit was crossed.
    explicit LineTooLong(std::size_t max_line_length)
        : std::runtime_error("a line longer than " + std::to_string(max_line_length) +
                             " bytes (the reader's max_line_length) arrived") {}
};

/// \brief Splits what arrives on a stream socket into lines.
///
/// TCP carries bytes, not messages: one `recv()` may return half a line,
/// or three lines and the start of a fourth. A LineReader keeps what it has
/// received but not yet returned, so that no byte is lost or returned twice.
class LineReader {
public:
    /// \brief The limit used when none is given: 64 KiB.
    static constexpr std::size_t default_max_line_length = 64 * 1024;

    /// \brief Reads from \p socket, which must outlive the reader; a line
    /// (its `\n` included) may hold at most \p max_line_length bytes.
    explicit LineReader(common::Socket& socket,
                        std::size_t max_line_length = default_max_line_length)
        : socket_(socket), max_line_length_(max_line_length) {}

    /// \brief Your part: the next line.
    ///
    /// \return the next line with its `\n`; at the end of the stream, the
    ///         last bytes if they do not end in `\n`; then `std::nullopt`
    ///         (also on every later call).
    /// \throws LineTooLong as soon as more than max_line_length bytes have
    ///         arrived without a `\n` among them (without waiting for more),
    ///         or a line with its `\n` is longer than that. Stop using the
    ///         reader then: close the connection.
    /// \throws std::system_error `recv()` failed (a reset, a timeout).
    std::optional<std::string> read_line();

private:
    // [[maybe_unused]]: the untouched stub reads neither yet, and clang
    // (which a student's editor parses with) would warn about it.
    [[maybe_unused]] common::Socket& socket_;
    [[maybe_unused]] std::size_t max_line_length_;
    std::string buffer_;  // received, not yet returned: the start of the next line
};

}  // namespace sockserv::ch01::exercises
