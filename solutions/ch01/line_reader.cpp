// Exercise 1.3, solved: reading lines from a stream socket, across partial recv()s.
//
// Book: "Exercise 1.3: reading lines from a stream" (book.md, anchor ex-ch01-line-reader).
// Check: ./course check ch01
#include "line_reader.hpp"

#include <array>
#include <utility>

namespace sockserv::ch01::exercises {

std::optional<std::string> LineReader::read_line() {
    // The first bytes of buffer_ that are known to hold no '\n': each byte is
    // searched once, so a long line arriving in small pieces costs linear
    // time, not quadratic.
    std::size_t searched = 0;
    for (;;) {
        // A line may already be here: the last recv() can have brought several.
        std::size_t newline = buffer_.find('\n', searched);
        if (newline != std::string::npos) {
            std::size_t length = newline + 1;  // the '\n' belongs to the line
            if (length > max_line_length_) {
                throw LineTooLong{max_line_length_};
            }
            std::string line = buffer_.substr(0, length);
            buffer_.erase(0, length);  // the rest starts the next line
            return line;
        }
        searched = buffer_.size();

        // No '\n' in more bytes than a line may hold: whatever comes next,
        // this line is too long. Refuse now rather than wait and store more:
        // a client could otherwise make us buffer gigabytes.
        if (buffer_.size() > max_line_length_) {
            throw LineTooLong{max_line_length_};
        }

        // Take whatever the kernel has: a byte, a line, or many. TCP keeps
        // the order of bytes, never the boundaries of the sender's send()s.
        std::array<char, 4096> chunk;
        std::size_t received = socket_.recv(chunk);
        if (received == 0) {
            // The peer closed its side. A last line without '\n' is still a
            // line (as Python's readline() returns it); after it, nothing.
            if (buffer_.empty()) {
                return std::nullopt;
            }
            return std::exchange(buffer_, {});
        }
        buffer_.append(chunk.data(), received);
    }
}

}  // namespace sockserv::ch01::exercises
