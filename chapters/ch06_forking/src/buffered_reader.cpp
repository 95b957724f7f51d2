#include "ch06/buffered_reader.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

namespace sockserv::ch06 {

namespace {

// A read larger than the buffer goes straight into the result, this much
// at a time: fewer copies, and read(size) never allocates a huge `size`
// before a single byte has arrived.
constexpr std::size_t direct_read = 256 * 1024;

}  // namespace

// The buffer is allocated, not filled: in a child made by fork(), every
// page written is a page fault (copy-on-write), and zeroing 64 KiB that a
// short request never reaches would cost sixteen of them (Part 6).
// [buffer-not-zeroed]
BufferedReader::BufferedReader(RawIOBase& raw, std::size_t buffer_size)
    : raw_(&raw),
      capacity_(std::max<std::size_t>(buffer_size, 1)),
      buffer_(std::make_unique_for_overwrite<char[]>(capacity_)),
      unbuffered_(buffer_size == 0),
      closed_(false) {}
// [buffer-not-zeroed]

BufferedReader::BufferedReader(std::string bytes)
    : capacity_(bytes.size()),
      buffer_(std::make_unique_for_overwrite<char[]>(capacity_)),
      end_(capacity_),
      closed_(false) {
    std::copy(bytes.begin(), bytes.end(), buffer_.get());
}

// A moved-from reader is closed, not a view of a buffer it no longer has.
BufferedReader::BufferedReader(BufferedReader&& other) noexcept
    : raw_(std::exchange(other.raw_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      buffer_(std::move(other.buffer_)),
      start_(std::exchange(other.start_, 0)),
      end_(std::exchange(other.end_, 0)),
      unbuffered_(other.unbuffered_),
      closed_(std::exchange(other.closed_, true)) {}

BufferedReader& BufferedReader::operator=(BufferedReader&& other) noexcept {
    if (this != &other) {
        raw_ = std::exchange(other.raw_, nullptr);
        capacity_ = std::exchange(other.capacity_, 0);
        buffer_ = std::move(other.buffer_);
        start_ = std::exchange(other.start_, 0);
        end_ = std::exchange(other.end_, 0);
        unbuffered_ = other.unbuffered_;
        closed_ = std::exchange(other.closed_, true);
    }
    return *this;
}

void BufferedReader::check_open() const {
    if (closed_) {
        throw std::logic_error("I/O operation on closed file");  // Python's ValueError
    }
}

// [fill]
// Refills the buffer with one read of the source; called only once every
// buffered byte has been returned. False at the end of the stream.
bool BufferedReader::fill() {
    start_ = end_ = 0;
    if (raw_ == nullptr) {
        return false;  // bytes given whole: there is no more
    }
    // Unbuffered, ask for one byte: whatever came past the line's end would
    // have to be kept somewhere, and that would be a buffer.
    std::size_t wanted = unbuffered_ ? 1 : capacity_;
    end_ = read_raw({buffer_.get(), wanted});
    return end_ > 0;
}
// [fill]

// One read of the source, which must not claim more than it was given room for
// (Python checks this too: a count past the buffer would be read as bytes).
std::size_t BufferedReader::read_raw(std::span<char> into) {
    std::size_t got = raw_->readinto(into);
    if (got > into.size()) {
        throw std::logic_error("readinto() returned more bytes than it was asked for");
    }
    return got;
}

// Moves up to `count` buffered bytes to the end of `into`.
std::size_t BufferedReader::take(std::string& into, std::size_t count) {
    count = std::min(count, end_ - start_);
    into.append(buffer_.get() + start_, count);
    start_ += count;
    return count;
}

// [readline]
bool BufferedReader::readline_into(std::string& line, std::optional<std::size_t> limit) {
    check_open();
    line.clear();
    const std::size_t most = limit.value_or(std::string::npos);
    while (line.size() < most) {
        if (start_ == end_ && !fill()) {
            break;  // the stream ended: return what there is, maybe nothing
        }
        // Look for the line's end only as far as the limit allows.
        std::string_view held = buffered().substr(0, most - line.size());
        std::size_t newline = held.find('\n');
        if (newline != std::string_view::npos) {
            take(line, newline + 1);
            break;
        }
        take(line, held.size());
    }
    return !line.empty();
}
// [readline]

std::string BufferedReader::readline(std::optional<std::size_t> limit) {
    std::string line;
    readline_into(line, limit);
    return line;
}

std::string BufferedReader::read(std::size_t size) {
    check_open();
    std::string bytes;
    if (unbuffered_) {
        // Python's raw read(size): one read of the source, however short.
        bytes.resize(std::min(size, direct_read));
        bytes.resize(read_raw(bytes));
        return bytes;
    }
    while (bytes.size() < size) {
        if (start_ == end_) {
            std::size_t missing = size - bytes.size();
            if (raw_ != nullptr && missing >= capacity_) {
                // Copying through the buffer would gain nothing.
                std::size_t old_size = bytes.size();
                bytes.resize(old_size + std::min(missing, direct_read));
                std::size_t got = read_raw({bytes.data() + old_size, bytes.size() - old_size});
                bytes.resize(old_size + got);
                if (got == 0) {
                    break;
                }
                continue;
            }
            if (!fill()) {
                break;
            }
        }
        take(bytes, size - bytes.size());
    }
    return bytes;
}

std::string BufferedReader::read() {
    check_open();
    std::string bytes;
    take(bytes, end_ - start_);
    if (unbuffered_) {
        // fill() would read a byte at a time: go straight into the result,
        // a buffer's worth at a time, as Python's raw readall() does.
        while (true) {
            std::size_t old_size = bytes.size();
            bytes.resize(old_size + default_buffer_size);
            std::size_t got = read_raw({bytes.data() + old_size, default_buffer_size});
            bytes.resize(old_size + got);
            if (got == 0) {
                return bytes;
            }
        }
    }
    // Through the buffer: the result grows by what arrived, never by a
    // guess of what might.
    while (fill()) {
        take(bytes, end_ - start_);
    }
    return bytes;
}

std::string_view BufferedReader::buffered() const noexcept {
    return {buffer_.get() + start_, end_ - start_};
}

void BufferedReader::close() noexcept {
    closed_ = true;
    buffer_.reset();
    capacity_ = 0;
    start_ = end_ = 0;
}

BufferedReader::LineIterator& BufferedReader::LineIterator::operator++() {
    if (!reader_->readline_into(line_)) {
        reader_ = nullptr;  // Python's StopIteration
    }
    return *this;
}

}  // namespace sockserv::ch06
