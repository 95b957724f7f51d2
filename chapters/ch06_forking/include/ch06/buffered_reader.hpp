/// \file
/// \brief Python's `io.BufferedReader`: `rfile`, the reading half of a
/// stream handler.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ch06/raw_io_base.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief Reads lines and blocks of bytes from a raw source, with few
/// system calls: what `socket.makefile('rb')` returns in Python.
///
/// TCP delivers bytes, not lines: one `recv` may hold half a line or a
/// thousand lines. The reader asks its RawIOBase for a whole buffer at a
/// time and hands it out line by line, so a thousand short lines cost one
/// system call instead of a thousand (or, reading byte by byte to find the
/// line ends, a hundred thousand).
///
/// The buffer's invariant: the bytes from `start_` to `end_` have been read
/// from the source but not yet returned to the caller. Every read takes
/// from there first, and refills it only once it is empty, so bytes come
/// out in the order they came in, each exactly once.
///
/// A reader made with buffer size 0 is unbuffered, as `makefile('rb', 0)`
/// is in Python (where it returns the raw SocketIO itself): readline() then
/// reads one byte per system call (it must not read past the line's end:
/// there is nowhere to keep the rest), and read(n) returns what one read of
/// the source gives, possibly fewer than \p n bytes.
///
/// Use it as Python's `rfile`:
/// \code
/// for (const std::string& line : rfile) { ... }        // line by line, `\n` kept
/// std::string header = rfile.readline(1024);            // at most 1024 bytes
/// std::string body = rfile.read(length);                // exactly length, unless the stream ends
/// \endcode
///
/// \see \ref part-ch04, which teaches this class: \ref ch04-buffer,
/// \ref ch04-unbounded-lines.
class BufferedReader {
public:
    /// \brief io.DEFAULT_BUFFER_SIZE, the buffer Python gives `makefile()`
    /// when no size is asked for.
    static constexpr std::size_t default_buffer_size = 8192;

    /// \brief A closed reader, as `rfile` is before setup() opens it.
    BufferedReader() = default;
    /// \brief A reader over \p raw.
    /// \param raw         the source, borrowed: it must outlive the reader
    /// \param buffer_size how many bytes to ask \p raw for at a time; 0
    ///        for an unbuffered reader (see above)
    explicit BufferedReader(RawIOBase& raw, std::size_t buffer_size = default_buffer_size);
    /// \brief A reader over bytes already in memory: Python's
    /// `io.BytesIO(data)`, which DatagramRequestHandler reads its datagram from.
    /// \param bytes the whole stream; the reader ends where it ends
    explicit BufferedReader(std::string bytes);

    /// \brief Takes over \p other's source and buffered bytes.
    /// \param other the reader to take over; left closed
    BufferedReader(BufferedReader&& other) noexcept;
    /// \brief Takes over \p other's source and buffered bytes.
    /// \param other the reader to take over; left closed
    /// \return this reader
    BufferedReader& operator=(BufferedReader&& other) noexcept;
    BufferedReader(const BufferedReader&) = delete;
    BufferedReader& operator=(const BufferedReader&) = delete;

    /// \brief Reads one line: up to and including the next `\n`.
    ///
    /// Python's `readline(size=-1)`. Waits for more bytes until the line is
    /// complete, the stream ends, or \p limit bytes are read: so a line
    /// longer than \p limit comes back in pieces of \p limit bytes, and a
    /// reader with a limit never holds more than that much of a line.
    /// Without a limit, a client that never sends `\n` makes it keep
    /// everything it sends (see \ref ch04-unbounded-lines).
    /// \param limit the most bytes to return; none: the whole line, however long
    /// \return the line with its `\n`; without one if the stream ended first
    ///         or the limit was reached; empty only at the end of the stream
    ///         (or for a limit of 0)
    /// \throws std::logic_error when the reader is closed, and whatever the
    ///         source throws (std::system_error from a socket)
    std::string readline(std::optional<std::size_t> limit = std::nullopt);
    /// \brief readline() into a string of yours: no allocation per line.
    ///
    /// Not in Python, where every line is a new `bytes` object. In C++ a
    /// new `std::string` longer than its small-string space (15 bytes in
    /// libstdc++) is a `malloc` and a `free` per line: at millions of lines
    /// a second, the largest cost left once the system calls are few.
    /// Reusing one string keeps its memory from line to line
    /// (\ref ch04-allocation).
    /// \param line  replaced by the line read (its capacity is kept)
    /// \param limit as for readline()
    /// \return false when nothing was read (\p line is then empty): at the
    ///         end of the stream, or for a limit of 0
    bool readline_into(std::string& line, std::optional<std::size_t> limit = std::nullopt);
    /// \brief Reads \p size bytes: Python's `read(size)`.
    ///
    /// Returns fewer only when the stream ends first (or, for an
    /// unbuffered reader, when one read of the source gave fewer).
    /// \param size how many bytes to read
    /// \return the bytes; empty at the end of the stream
    std::string read(std::size_t size);
    /// \brief Reads everything up to the end of the stream: Python's `read()`.
    /// \return the bytes; empty if the stream has already ended
    std::string read();

    /// \brief The bytes already read from the source but not yet returned:
    /// what the next read gets without a system call.
    ///
    /// Not in Python (whose `peek()` reads from the source when the buffer
    /// is empty); it answers "would the next readline() wait?" without
    /// waiting: if the view holds no `\n`, it may. A handler that buffers
    /// its replies flushes them before that wait (\ref ch04-flush-before-wait).
    /// \return a view of the buffered bytes, valid until the next read
    [[nodiscard]] std::string_view buffered() const noexcept;

    /// \brief Whether close() was called, or the reader was never opened.
    /// \return Python's `closed`
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    /// \brief Closes the reader: later reads throw std::logic_error. The
    /// source is not closed (the connection belongs to the request).
    void close() noexcept;

    /// \brief Walks the lines of a reader, as Python's `for line in rfile:`.
    ///
    /// An input iterator: each step calls readline(), and the walk ends at
    /// the first empty line (the end of the stream).
    ///
    /// \see \ref part-ch04, which teaches the reader: \ref ch04-buffer.
    class LineIterator {
    public:
        using iterator_category = std::input_iterator_tag;  ///< one pass, as a stream is
        using value_type = std::string;                     ///< a line, `\n` included
        using difference_type = std::ptrdiff_t;             ///< required of iterators
        using pointer = const std::string*;                 ///< required of iterators
        using reference = const std::string&;               ///< what `*it` gives

        /// \brief The end of every walk.
        LineIterator() = default;
        /// \brief A walk over \p reader's lines, the first already read.
        /// \param reader the reader to take lines from
        explicit LineIterator(BufferedReader& reader) : reader_(&reader) { ++*this; }
        /// \brief The current line.
        /// \return the line, valid until the next step
        reference operator*() const noexcept { return line_; }
        /// \brief Reads the next line (or reaches the end).
        /// \return this iterator
        LineIterator& operator++();
        /// \brief Reads the next line; an input iterator keeps no copy of the old one.
        void operator++(int) { ++*this; }
        /// \brief Two iterators are equal when both have reached the end (or walk the same reader).
        /// \return whether they are equal
        friend bool operator==(const LineIterator& a, const LineIterator& b) noexcept {
            return a.reader_ == b.reader_;
        }

    private:
        BufferedReader* reader_ = nullptr;  // nullptr: at the end
        std::string line_;
    };

    /// \brief The first line, for a range-for.
    /// \return an iterator that has read the first line
    LineIterator begin() { return LineIterator{*this}; }
    /// \brief The end of the lines.
    /// \return the end iterator
    LineIterator end() noexcept { return LineIterator{}; }

private:
    void check_open() const;
    bool fill();
    std::size_t read_raw(std::span<char> into);
    std::size_t take(std::string& into, std::size_t count);

    RawIOBase* raw_ = nullptr;  // nullptr: the bytes were given whole (BytesIO)
    std::size_t capacity_ = 0;
    std::unique_ptr<char[]> buffer_;  // capacity_ bytes, written only where data arrives
    std::size_t start_ = 0;  // the bytes in [start_, end_) are read but not yet returned
    std::size_t end_ = 0;
    bool unbuffered_ = false;
    bool closed_ = true;
};

}  // namespace sockserv::ch06
