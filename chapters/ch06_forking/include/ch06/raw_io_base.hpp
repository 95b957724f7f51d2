/// \file
/// \brief Python's `io.RawIOBase`, the one call a buffered reader needs.
#pragma once

#include <cstddef>
#include <span>

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief An unbuffered source of bytes: what BufferedReader reads from.
///
/// Python layers its files: `socket.makefile('rb')` wraps a raw `SocketIO`
/// (one `recv()` per read) in an `io.BufferedReader` (the buffer, and
/// `readline()` on top of it). The buffered layer asks its raw layer for
/// one thing only, `readinto()`, so it does not care where the bytes come
/// from. The course keeps that seam: SocketIO is the raw layer of a socket,
/// and the fuzz test (tests/fuzz) puts a raw layer of its own there, one
/// that hands out bytes in pieces of any size it likes.
///
/// \see \ref part-ch04, which teaches the layers: \ref ch04-layers.
class RawIOBase {
public:
    virtual ~RawIOBase() = default;

    /// \brief Reads what is available, at most `buffer.size()` bytes.
    ///
    /// Like `recv(2)`, it may return fewer bytes than asked for, and blocks
    /// only until there is at least one.
    /// \param buffer where to store the bytes
    /// \return how many bytes were stored; 0 means the end of the stream
    virtual std::size_t readinto(std::span<char> buffer) = 0;
};

}  // namespace sockserv::ch06
