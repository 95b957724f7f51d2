// Exercise 2.3, solved: a Unix socket address, the sockaddr_un behind a path.
//
// Book: "Exercise 2.3: a Unix socket address" (book.md, anchor ex-ch02-unix-address).
// Check: ./course check ch02
#include "unix_address.hpp"

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>

namespace sockserv::ch02::exercises {

common::Address unix_address(std::string_view path) {
    // The kernel reads sun_path as a C string: it stops at the first NUL.
    // A path with a NUL inside would silently name a shorter path, and one
    // that starts with a NUL would not be a file at all (Linux reads that
    // as a name in its abstract namespace). Neither is what the caller wrote.
    if (path.empty()) {
        throw std::invalid_argument("a Unix socket path cannot be empty");
    }
    if (path.find('\0') != std::string_view::npos) {
        throw std::invalid_argument("a Unix socket path cannot contain a NUL byte");
    }

    sockaddr_un address{};  // zeroed: whatever follows the path is NUL
    // sun_path is a fixed array (108 bytes on Linux, 104 on the BSDs), a
    // relic of the 1980s. Keep one byte for the terminating NUL, so that
    // any program reading the address back as a C string stops in time.
    // Never cut the path to fit: a shortened path is another file, and the
    // server would listen where no client looks.
    constexpr std::size_t limit = sizeof(address.sun_path) - 1;
    if (path.size() > limit) {
        throw PathTooLong(std::string{path}, limit);
    }

    address.sun_family = AF_UNIX;
    // Exactly path.size() bytes: a string_view may be part of a longer
    // string, so path.data() is not a C string and strcpy() would copy on
    // to whatever follows.
    std::memcpy(address.sun_path, path.data(), path.size());

    // The length tells the kernel which bytes count: the family, then the
    // path and its NUL. (sizeof(address) would work on Linux too, but this
    // is the length the kernel itself reports for a bound path.)
    auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    return common::Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&address), size);
}

}  // namespace sockserv::ch02::exercises
