// Exercise 4.2: a buffered writer that keeps what it could not send.
//
// Read the book's section "Exercise 4.2: a buffered writer that keeps what
// it could not send" first (book/ch04.md, anchor ex-ch04-buffered-writer).
// Check your work with:   ./course check ch04 buffered_writer
// You edit this file only; buffered_writer.hpp (the class) is given.
#include "buffered_writer.hpp"

namespace sockserv::ch04::exercises {

std::size_t BufferedWriter::write(std::string_view data) {
    buffer_.append(data);
    // Over the capacity, not at it: a buffer exactly full may still be all
    // the reply, and waits for the flush that ends the exchange.
    if (buffer_.size() > capacity_) {
        flush();
    }
    return data.size();
}

void BufferedWriter::flush() {
    std::size_t sent = 0;
    try {
        socket_.send_all(buffer_, &sent);
    } catch (...) {
        // The bytes counted went out: keeping them would send them twice,
        // dropping the others would lose them.
        buffer_.erase(0, sent);
        throw;
    }
    buffer_.clear();
}

}  // namespace sockserv::ch04::exercises
