/// \file
/// \brief The fuzz target of the buffered reader (rfile), written once for
/// every chapter that has one: each chapter's generated source calls
/// fuzz_buffered_reader() with its own BufferedReader and RawIOBase.
///
/// One input is a small program for the reader: which reader to make, how
/// the source cuts its bytes into readinto() pieces, which reads to make,
/// and the stream itself. Every result is compared with a model that could
/// hardly be wrong: the whole stream in one std::string and the position of
/// the next byte to return. A difference prints what happened on stderr and
/// aborts, which libFuzzer reports as a crash (and saves the input) and the
/// replay program (replay_main.cpp) as a failed test.
///
/// The layout of an input (make_seeds.py writes inputs by hand this way):
///
///     byte 0           the reader: bits 0-2 pick the buffer size from
///                      kBufferSizes (0: unbuffered); bit 3 set: the bytes
///                      are given whole (the reader over a std::string that
///                      DatagramRequestHandler uses), no source at all
///     byte 1           N, the number of operations
///     N pairs          an operation: its code (below), its argument (0-255)
///     1 byte           M, the number of piece sizes
///     M bytes          the source's pieces: each byte + 1 bytes, used in a
///                      cycle (none: the source gives as much as is asked)
///     the rest         the stream
///
/// An input too short for its header simply has fewer operations or pieces:
/// every input is a valid program, so no mutation is wasted.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sockserv::test::fuzz {

/// The buffer sizes an input may pick: unbuffered, tiny ones that make
/// every line cross a refill, and Python's default.
inline constexpr std::array<std::size_t, 8> kBufferSizes{0, 1, 2, 3, 5, 8, 64, 8192};

/// The operation codes: the byte's value modulo kOperations.
enum class Op : std::uint8_t {
    readline,        // readline()
    readline_limit,  // readline(argument)
    read_size,       // read(argument)
    read_large,      // read(argument * 97): past any buffer, the direct path
    read_all,        // read()
    iterate,         // a range-for, stopped after argument % 8 lines (0: to the end)
    move,            // the reader moved into a new one (odd argument: by assignment)
    close,           // close(): every later operation must throw std::logic_error
    readline_into,   // readline_into() into a string that still holds the last
                     // line: odd argument, with the limit argument / 2
};
inline constexpr unsigned kOperations = 9;

/// Reports a mismatch and stops: libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char* what, std::string_view expected, std::string_view got) {
    std::fprintf(stderr, "buffered reader fuzz: %s\n  expected %zu bytes: \"", what, expected.size());
    for (char c : expected.substr(0, 200)) {
        std::fprintf(stderr, c >= ' ' && c <= '~' ? "%c" : "\\x%02x", static_cast<unsigned char>(c));
    }
    std::fprintf(stderr, "\"%s\n  got      %zu bytes: \"", expected.size() > 200 ? "..." : "", got.size());
    for (char c : got.substr(0, 200)) {
        std::fprintf(stderr, c >= ' ' && c <= '~' ? "%c" : "\\x%02x", static_cast<unsigned char>(c));
    }
    std::fprintf(stderr, "\"%s\n", got.size() > 200 ? "..." : "");
    std::abort();
}

[[noreturn]] inline void fail(const char* what) { fail(what, {}, {}); }

/// Reports a mismatch of two counts and stops.
[[noreturn]] inline void fail_count(const char* what, std::size_t expected, std::size_t got) {
    std::fprintf(stderr, "buffered reader fuzz: %s\n  expected %zu, got %zu\n", what, expected, got);
    std::abort();
}

/// Reads the input's fields in order; past its end, every field is 0.
class InputReader {
public:
    explicit InputReader(std::span<const std::uint8_t> input) : input_(input) {}
    std::uint8_t byte() { return at_ < input_.size() ? input_[at_++] : 0; }
    std::string_view rest() const {
        auto left = input_.subspan(std::min(at_, input_.size()));
        return {reinterpret_cast<const char*>(left.data()), left.size()};
    }

private:
    std::span<const std::uint8_t> input_;
    std::size_t at_ = 0;
};

/// A source that hands the stream out in the input's pieces, as a socket
/// hands out what each TCP segment brought: a readinto() returns the rest of
/// the current piece, or less if it was asked for less (the remainder is
/// what the next call gets). At the end of the stream it returns 0, again
/// and again, as recv() does. It checks the reader's side of the contract:
/// the reader asks only once its buffer is empty (the invariant of
/// buffered_reader.hpp), and a buffered reader asks for a whole buffer at
/// least (a reader that asked for a byte at a time would pass every other
/// check, at the cost of a system call per byte).
template <class RawIOBase, class Reader>
class PiecesSource final : public RawIOBase {
public:
    PiecesSource(std::string_view stream, std::vector<std::size_t> pieces)
        : stream_(stream), pieces_(std::move(pieces)) {
        start_piece();
    }

    /// The reader to check the invariants on (it is made after the source),
    /// and its buffer's size (0: unbuffered, which may ask for anything).
    void watch(const Reader* reader, std::size_t buffer_size) {
        reader_ = reader;
        smallest_ask_ = buffer_size;
    }

    std::size_t readinto(std::span<char> buffer) override {
        if (reader_ != nullptr && !reader_->buffered().empty()) {
            fail("readinto() called while the buffer still held bytes", {}, reader_->buffered());
        }
        if (buffer.size() < smallest_ask_) {
            fail_count("a buffered reader asked its source for less than a buffer", smallest_ask_,
                       buffer.size());
        }
        std::size_t count = std::min(buffer.size(), next_piece());
        std::copy_n(stream_.data() + consumed_, count, buffer.data());
        consumed_ += count;
        piece_left_ -= count;
        if (piece_left_ == 0) {
            start_piece();
        }
        return count;
    }

    /// How many bytes the next readinto() gives, if asked for enough.
    [[nodiscard]] std::size_t next_piece() const { return std::min(piece_left_, stream_.size() - consumed_); }
    /// How many bytes readinto() has handed out so far.
    [[nodiscard]] std::size_t consumed() const { return consumed_; }

private:
    void start_piece() {
        if (pieces_.empty()) {
            piece_left_ = stream_.size();
        } else {
            piece_left_ = pieces_[next_ % pieces_.size()];
            ++next_;
        }
    }

    std::string_view stream_;
    std::vector<std::size_t> pieces_;
    std::size_t next_ = 0;
    std::size_t piece_left_ = 0;
    std::size_t consumed_ = 0;
    const Reader* reader_ = nullptr;
    std::size_t smallest_ask_ = 0;
};

/// The model: the stream, and how much of it has been returned.
class Model {
public:
    explicit Model(std::string_view stream) : stream_(stream) {}

    [[nodiscard]] std::string_view left() const { return stream_.substr(pos_); }
    [[nodiscard]] std::size_t pos() const { return pos_; }

    /// What readline(limit) must return: up to and including the next
    /// '\n', or `limit` bytes, or what is left, whichever is shortest.
    std::string_view readline(std::optional<std::size_t> limit) {
        std::string_view candidate = left().substr(0, limit.value_or(std::string_view::npos));
        std::size_t newline = candidate.find('\n');
        return advance(newline == std::string_view::npos ? candidate.size() : newline + 1);
    }
    std::string_view read(std::size_t size) { return advance(std::min(size, left().size())); }
    std::string_view advance(std::size_t count) {
        std::string_view taken = left().substr(0, count);
        pos_ += taken.size();
        return taken;
    }

private:
    std::string_view stream_;
    std::size_t pos_ = 0;
};

template <class Reader, class RawIOBase>
class Run {
public:
    explicit Run(std::span<const std::uint8_t> input) {
        InputReader in(input);
        std::uint8_t kind = in.byte();
        buffer_size_ = kBufferSizes[kind & 7U];
        whole_ = (kind & 8U) != 0;
        std::size_t n_ops = in.byte();
        for (std::size_t i = 0; i < n_ops; ++i) {
            std::uint8_t code = in.byte();
            ops_.emplace_back(static_cast<Op>(code % kOperations), in.byte());
        }
        std::size_t n_pieces = in.byte();
        for (std::size_t i = 0; i < n_pieces; ++i) {
            pieces_.push_back(std::size_t{in.byte()} + 1);
        }
        stream_ = in.rest();
    }

    void go() {
        Model model(stream_);
        PiecesSource<RawIOBase, Reader> source(stream_, pieces_);
        Reader reader = whole_ ? Reader(std::string(stream_)) : Reader(source, buffer_size_);
        if (!whole_) {
            source.watch(&reader, buffer_size_);
        }
        bool closed = false;
        for (auto [op, argument] : ops_) {
            if (closed) {
                expect_closed(reader, op);
                continue;
            }
            switch (op) {
            case Op::readline:
                same("readline()", model.readline(std::nullopt), reader.readline());
                break;
            case Op::readline_limit:
                same("readline(limit)", model.readline(argument), reader.readline(argument));
                break;
            case Op::readline_into: {
                std::optional<std::size_t> limit;
                if (argument % 2U != 0) {
                    limit = argument / 2U;
                }
                std::string_view expected = model.readline(limit);
                bool more = reader.readline_into(line_, limit);
                same("readline_into()", expected, line_);
                if (more != !expected.empty()) {
                    fail("readline_into() returned the wrong bool for this line", expected, line_);
                }
                break;
            }
            case Op::read_size:
            case Op::read_large: {
                std::size_t size = op == Op::read_size ? argument : argument * 97U;
                if (buffer_size_ == 0 && !whole_) {
                    unbuffered_read(model, source, reader, size);
                } else {
                    same("read(n)", model.read(size), reader.read(size));
                }
                break;
            }
            case Op::read_all:
                same("read()", model.left(), reader.read());
                model.advance(model.left().size());
                break;
            case Op::iterate:
                iterate(model, reader, argument % 8U);
                break;
            case Op::move:
                reader = moved(std::move(reader), argument % 2U != 0);
                if (!whole_) {
                    source.watch(&reader, buffer_size_);
                }
                break;
            case Op::close:
                reader.close();
                closed = true;
                if (!reader.closed()) {
                    fail("closed() is false after close()");
                }
                break;
            }
            if (!closed) {
                check_state(model, source, reader);
            }
        }
    }

private:
    // The reader after a move; the one moved from must be closed.
    static Reader moved(Reader&& reader, bool by_assignment) {
        if (by_assignment) {
            Reader other;
            other = std::move(reader);
            if (!reader.closed()) {  // NOLINT(bugprone-use-after-move): the contract says closed
                fail("a reader moved from (by assignment) is not closed");
            }
            return other;
        }
        Reader other(std::move(reader));
        if (!reader.closed()) {  // NOLINT(bugprone-use-after-move)
            fail("a reader moved from is not closed");
        }
        return other;
    }

    // Python's raw read(n): one read of the source, so between 1 and n
    // bytes while the stream lasts (0 only at its end, or for n = 0), and
    // never more than the source's current piece.
    void unbuffered_read(Model& model, const PiecesSource<RawIOBase, Reader>& source, Reader& reader,
                         std::size_t size) {
        std::size_t piece = source.next_piece();
        std::string got = reader.read(size);
        std::size_t most = std::min(size, piece);
        if (got.size() > most || (got.empty() && most > 0)) {
            fail("unbuffered read(n): not the bytes of one read of the source",
                 model.left().substr(0, most), got);
        }
        same("unbuffered read(n)", model.advance(got.size()), got);
    }

    // A range-for walks the lines readline() would return, and stops at the
    // end of the stream, not before.
    void iterate(Model& model, Reader& reader, std::size_t stop_after) {
        std::size_t lines = 0;
        for (const std::string& line : reader) {
            if (line.empty()) {
                fail("iteration gave an empty line: it should have ended");
            }
            same("a line of a range-for", model.readline(std::nullopt), line);
            if (++lines == stop_after) {
                return;
            }
        }
        if (!model.left().empty()) {
            fail("a range-for ended before the stream did", model.left(), {});
        }
    }

    // After every operation: buffered() holds the next bytes of the stream,
    // and, with a source, the bytes taken from it are exactly those
    // returned plus those buffered (none lost, none read twice). An
    // unbuffered reader holds nothing: it reads no byte it does not return.
    void check_state(const Model& model, const PiecesSource<RawIOBase, Reader>& source, const Reader& reader) {
        if (reader.closed()) {
            fail("the reader says it is closed, and close() was never called");
        }
        std::string_view held = reader.buffered();
        if (!model.left().starts_with(held)) {
            fail("buffered() is not what comes next in the stream", model.left().substr(0, held.size()), held);
        }
        if (whole_) {
            return;
        }
        if (source.consumed() != model.pos() + held.size()) {
            fail_count("bytes taken from the source != bytes returned + bytes buffered",
                       model.pos() + held.size(), source.consumed());
        }
        if (buffer_size_ == 0 && !held.empty()) {
            fail("an unbuffered reader holds bytes it has not returned", {}, held);
        }
        if (held.size() > std::max<std::size_t>(buffer_size_, 1)) {
            fail("buffered() holds more than the buffer's size", {}, held);
        }
    }

    static void expect_closed(Reader& reader, Op op) {
        try {
            switch (op) {
            case Op::readline:
            case Op::iterate:
            case Op::move:
            case Op::close:
                (void)reader.readline();
                break;
            case Op::readline_limit:
                (void)reader.readline(1);
                break;
            case Op::readline_into: {
                std::string line;
                (void)reader.readline_into(line);
                break;
            }
            case Op::read_size:
            case Op::read_large:
                (void)reader.read(1);
                break;
            case Op::read_all:
                (void)reader.read();
                break;
            }
        } catch (const std::logic_error&) {
            if (!reader.buffered().empty()) {
                fail("a closed reader still shows buffered bytes", {}, reader.buffered());
            }
            return;
        }
        fail("a read after close() did not throw std::logic_error");
    }

    static void same(const char* what, std::string_view expected, std::string_view got) {
        if (expected != got) {
            fail(what, expected, got);
        }
    }

    std::size_t buffer_size_ = 0;
    bool whole_ = false;
    std::vector<std::pair<Op, std::uint8_t>> ops_;
    std::vector<std::size_t> pieces_;
    std::string_view stream_;
    // readline_into()'s string, kept from one call to the next as a caller
    // would: it must be replaced, not appended to.
    std::string line_ = "not a line of the stream";
};

/// Runs one input against the chapter's reader; aborts on a mismatch.
template <class Reader, class RawIOBase>
int fuzz_buffered_reader(const std::uint8_t* data, std::size_t size) {
    Run<Reader, RawIOBase>({data, size}).go();
    return 0;
}

}  // namespace sockserv::test::fuzz
