// Exercise 4.1: readline over a buffer, the heart of Python's rfile.
//
// Read the book's section "Exercise 4.1: readline over a buffer" first
// (book/ch04.md, anchor ex-ch04-readline).
// Check your work with:   ./course check ch04 readline
// You edit this file only; readline.hpp (ReadBuffer, the contract) is given.
#include "readline.hpp"

#include <span>

namespace sockserv::ch04::exercises {

std::string readline(RawIOBase& source, ReadBuffer& buffer, std::optional<std::size_t> limit) {
    std::string line;
    // Without a limit the line may grow as long as the client likes: that is
    // the danger the book's section on unbounded lines is about.
    std::size_t room = limit.value_or(line.max_size());
    while (room > 0) {
        if (buffer.start == buffer.end) {
            // Asked only now: a read while bytes still wait, or once the line is
            // done, could block on a client that has nothing more to send.
            std::size_t got = source.readinto(std::span<char>{buffer.storage});
            buffer.start = 0;
            buffer.end = got;
            if (got == 0) {
                break;
            }
        }
        std::string_view look = buffer.waiting().substr(0, room);
        std::size_t newline = look.find('\n');
        std::size_t take = newline == std::string_view::npos ? look.size() : newline + 1;
        line.append(look.substr(0, take));
        buffer.start += take;
        room -= take;
        if (newline != std::string_view::npos) {
            break;
        }
    }
    return line;
}

}  // namespace sockserv::ch04::exercises
