/// \file
/// \brief Exercise 4.1 (given: read it, do not edit it): readline() over a
/// raw source of bytes and a buffer that you manage; you write readline()
/// in readline.cpp.
///
/// Book: "Exercise 4.1: readline over a buffer". Check: `./course check ch04 readline`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ch04/raw_io_base.hpp"

/// \brief What the chapter-4 exercises ask you to write.
namespace sockserv::ch04::exercises {

/// \brief The bytes read from a source and not yet handed out, in storage
/// of a fixed size.
///
/// \code
///   storage:  | handed out already | waiting: [start, end) | free         |
///             0                  start                   end    storage.size()
/// \endcode
///
/// - #storage never changes size: its size is the most one read of the
///   source may bring.
/// - The bytes from #start up to (not including) #end came from the source
///   and have not been returned to anybody yet: the next readline() starts
///   with them, before it asks the source for more.
/// - Always `start <= end <= storage.size()`. `start == end`: nothing
///   waits, and the next byte has to come from the source.
///
/// A new buffer has nothing waiting. A test may also fill one by hand:
/// whatever waits in it is the beginning of the stream.
struct ReadBuffer {
    /// \brief An empty buffer with room for \p capacity bytes.
    /// \param capacity the size of #storage; at least 1
    explicit ReadBuffer(std::size_t capacity) : storage(capacity, '\0') {}

    /// \brief Where the bytes of the source land: `readinto()` writes here.
    std::string storage;
    /// \brief The first byte still waiting.
    std::size_t start = 0;
    /// \brief One past the last byte still waiting.
    std::size_t end = 0;

    /// \brief The bytes waiting, for the tests and for you.
    /// \return a view of `storage[start, end)`, valid until storage changes
    [[nodiscard]] std::string_view waiting() const noexcept {
        return std::string_view{storage}.substr(start, end - start);
    }
};

/// \brief Your part: the next line of the stream that \p buffer and
/// \p source make together, as Python's `rfile.readline(limit)` returns it.
///
/// - The line comes back with its `\n`. Bytes after the `\n` stay waiting
///   in \p buffer, for the next call: nothing that came from the source is
///   ever lost or returned twice.
/// - The bytes waiting in \p buffer come first. Only when none is left,
///   and the line is neither complete nor at its limit, read the source:
///   one `source.readinto()` into the whole of `buffer.storage`, from its
///   first byte. Each read is a system call on a real socket: ask for a
///   whole buffer at a time, and never read when you already have what
///   you need (the source may have nothing more to give yet, and the call
///   would wait).
/// - `readinto()` returning 0 is the end of the stream: return what you
///   have, without a `\n`. At the very end that is `""`, and every later
///   call returns `""` too.
/// - With a \p limit, return at most that many bytes: a longer line comes
///   back in pieces, its rest staying where it is (waiting in \p buffer,
///   or still in the source). A limit of 0 returns `""` and reads nothing.
///
/// \param source where the bytes come from; its readinto() may return
///        fewer bytes than asked, a line or half of one or many lines
/// \param buffer what was read and not yet returned; you update it
/// \param limit  the most bytes to return; empty: the whole line, however long
/// \return the line, `\n` included when the line was complete
/// \throws whatever \p source throws (std::system_error from a socket)
// [readline]
std::string readline(RawIOBase& source, ReadBuffer& buffer,
                     std::optional<std::size_t> limit = std::nullopt);
// [readline]

}  // namespace sockserv::ch04::exercises
