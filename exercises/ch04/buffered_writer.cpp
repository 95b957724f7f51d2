// Exercise 4.2: a buffered writer that keeps what it could not send.
//
// Read the book's section "Exercise 4.2: a buffered writer that keeps what
// it could not send" first (book/ch04.md, anchor ex-ch04-buffered-writer).
// Check your work with:   ./course check ch04 buffered_writer
// You edit this file only; buffered_writer.hpp (the class) is given.
#include "buffered_writer.hpp"

namespace sockserv::ch04::exercises {

std::size_t BufferedWriter::write(std::string_view data) {
    // TODO(exercise): add data to buffer_; if buffer_ now holds more than
    // capacity_ bytes, flush(). Return data.size().
    // (For now it takes nothing: the bytes are lost.)
    return data.size();
}

void BufferedWriter::flush() {
    // TODO(exercise): send buffer_ with socket_.send_all(buffer_, &sent), sent
    // starting at 0.
    //   - It returned: buffer_ is empty now.
    //   - It threw: drop the first sent bytes of buffer_, keep the others, and
    //     rethrow the same exception (a bare `throw;` inside the catch).
}

}  // namespace sockserv::ch04::exercises
