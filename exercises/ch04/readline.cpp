// Exercise 4.1: readline over a buffer, the heart of Python's rfile.
//
// Read the book's section "Exercise 4.1: readline over a buffer" first
// (book/ch04.md, anchor ex-ch04-readline).
// Check your work with:   ./course check ch04 readline
// You edit this file only; readline.hpp (ReadBuffer, the contract) is given.
#include "readline.hpp"

#include <span>

namespace sockserv::ch04::exercises {

std::string readline([[maybe_unused]] RawIOBase& source, [[maybe_unused]] ReadBuffer& buffer,
                     [[maybe_unused]] std::optional<std::size_t> limit) {
    // TODO(exercise): return the next line, '\n' included, building it in a string.
    //   1. Take from what waits in buffer (storage[start, end)) first, up to and
    //      including the first '\n', and never more than limit allows; move
    //      buffer.start past what you took.
    //   2. Nothing waits, and the line is not finished? One source.readinto() into
    //      the whole of buffer.storage; then buffer.start = 0 and buffer.end = what
    //      it returned. It returned 0: the stream has ended, return what you have.
    //   3. Repeat until the line has its '\n', reaches limit, or the stream ends.
    // (For now it says the stream has ended, whatever is there.)
    return {};
}

}  // namespace sockserv::ch04::exercises
