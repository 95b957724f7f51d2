#include "ch06/socket_writer.hpp"

#include <stdexcept>
#include <utility>

namespace sockserv::ch06 {

SocketWriter::SocketWriter(common::Socket& socket, std::size_t buffer_size)
    : socket_(&socket), capacity_(buffer_size) {
    buffer_.reserve(capacity_);
}

SocketWriter::SocketWriter(SocketWriter&& other) noexcept
    : socket_(std::exchange(other.socket_, nullptr)),
      capacity_(other.capacity_),
      buffer_(std::exchange(other.buffer_, {})) {}

SocketWriter& SocketWriter::operator=(SocketWriter&& other) noexcept {
    if (this != &other) {
        socket_ = std::exchange(other.socket_, nullptr);
        capacity_ = other.capacity_;
        buffer_ = std::exchange(other.buffer_, {});
    }
    return *this;
}

void SocketWriter::check_open() const {
    if (closed()) {
        throw std::logic_error("I/O operation on closed file");  // Python's ValueError
    }
}

// [write]
std::size_t SocketWriter::write(std::string_view data) {
    check_open();
    if (capacity_ == 0) {
        socket_->send_all(data);  // _SocketWriter: a write is a sendall()
        return data.size();
    }
    if (buffer_.size() + data.size() > capacity_) {
        flush();
        if (data.size() >= capacity_) {
            // As big as the buffer: copying it there gains nothing. What a
            // failed send leaves is kept, as flush() keeps it.
            std::size_t sent = 0;
            try {
                socket_->send_all(data, &sent);
            } catch (...) {
                buffer_.assign(data.substr(sent));
                throw;
            }
            return data.size();
        }
    }
    buffer_.append(data);
    return data.size();
}
// [write]

// [flush]
void SocketWriter::flush() {
    check_open();
    std::size_t sent = 0;
    try {
        socket_->send_all(buffer_, &sent);
    } catch (...) {
        buffer_.erase(0, sent);  // keep exactly what did not go out
        throw;
    }
    buffer_.clear();
}
// [flush]

void SocketWriter::close() {
    if (closed()) {
        return;
    }
    // Python's BufferedWriter.close(): flush, and whatever happens, closed.
    struct CloseAnyway {
        SocketWriter& writer;
        ~CloseAnyway() {
            writer.socket_ = nullptr;
            writer.buffer_ = {};
        }
    } close_anyway{*this};
    flush();
}

}  // namespace sockserv::ch06
