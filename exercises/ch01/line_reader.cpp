// Exercise 1.3: reading lines from a stream socket, across partial recv()s.
//
// Read the book's section "Exercise 1.3: reading lines from a stream" first
// (book.md, anchor ex-ch01-line-reader).
// Check your work with:   ./course check ch01
// You edit this file only; line_reader.hpp (the class, LineTooLong) is given.
#include "line_reader.hpp"

namespace sockserv::ch01::exercises {

std::optional<std::string> LineReader::read_line() {
    // TODO(exercise): return the next line, its '\n' included.
    //   - Look in buffer_ first: it may already hold a whole line from an earlier recv().
    //   - Otherwise socket_.recv() more bytes into a local array and append them to
    //     buffer_. One recv() may bring part of a line, or several lines: return one
    //     line and keep the rest in buffer_ for the next call.
    //   - recv() returning 0 means the peer closed: return what is left in buffer_
    //     (a last line without '\n'), or std::nullopt if nothing is left.
    //   - A line (with its '\n') may be at most max_line_length_ bytes: throw
    //     LineTooLong{max_line_length_} as soon as you know it is longer. Never wait
    //     for the end of a line you are going to refuse.
    return std::nullopt;
}

}  // namespace sockserv::ch01::exercises
