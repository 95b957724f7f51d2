/// \file
/// \brief Exercise 2.3 (given: read it, do not edit it): the kernel's form
/// of a Unix socket path, written in unix_address.cpp.
///
/// Book: "Exercise 2.3: a Unix socket address". Check: `./course check ch02`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"

namespace sockserv::ch02::exercises {

/// \brief Thrown by unix_address() for a path that does not fit in
/// `sockaddr_un::sun_path`.
///
/// A common::AddressError, like every address that is well formed but
/// cannot be used: a server given one fails to start, and says why.
class PathTooLong : public common::AddressError {
public:
    /// \brief Names the path, its length and the limit in the message.
    /// \param path  the path that was refused
    /// \param limit the most bytes a path may have
    PathTooLong(std::string path, std::size_t limit)
        : common::AddressError("Unix socket path too long: " + std::to_string(path.size()) +
                               " bytes, but at most " + std::to_string(limit) +
                               " fit in sun_path: " + path),
          path_(std::move(path)),
          limit_(limit) {}

    /// \brief The path that was refused.
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// \brief The most bytes a path may have.
    [[nodiscard]] std::size_t limit() const noexcept { return limit_; }

private:
    std::string path_;
    std::size_t limit_;
};

/// \brief Your part: the address of the Unix socket file \p path, as
/// `bind(2)`, `connect(2)` and `sendto(2)` want it: a `sockaddr_un`.
///
/// The path is stored as it is, every byte of it, followed by a NUL, in
/// the fixed array `sun_path` (108 bytes on Linux). It is never cut short:
/// a shortened path would be another file.
///
/// \param path a filesystem path, relative or absolute; only the bytes
///        the string_view covers belong to it
/// \return an AF_UNIX address of that path (make it with
///         common::Address::from_sockaddr())
/// \throws std::invalid_argument \p path is empty, or holds a NUL byte
///         (the kernel would stop reading at the NUL, and bind another file)
/// \throws PathTooLong \p path has more than `sizeof(sun_path) - 1` bytes
///         (one byte is kept for the NUL)
common::Address unix_address(std::string_view path);

}  // namespace sockserv::ch02::exercises
