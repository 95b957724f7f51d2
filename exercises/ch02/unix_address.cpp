// Exercise 2.3: a Unix socket address, the sockaddr_un behind a path.
//
// Read the book's section "Exercise 2.3: a Unix socket address" first
// (book.md, anchor ex-ch02-unix-address).
// Check your work with:   ./course check ch02
// You edit this file only; unix_address.hpp (the function, PathTooLong) is given.
#include "unix_address.hpp"

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>

namespace sockserv::ch02::exercises {

common::Address unix_address([[maybe_unused]] std::string_view path) {
    // TODO(exercise): build a sockaddr_un for `path` and return it as a common::Address.
    //   1. Refuse what cannot be a socket path: an empty path, or one with a '\0'
    //      byte in it (std::invalid_argument); a path longer than sun_path can hold
    //      with its terminating '\0' (throw PathTooLong{std::string{path}, limit}).
    //      Never shorten a path: the shortened one names another file.
    //   2. Fill a zeroed sockaddr_un: sun_family = AF_UNIX, and the path's bytes at
    //      the start of sun_path. (A string_view need not end in '\0': copy exactly
    //      path.size() bytes from path.data().)
    //   3. Tell the kernel how many bytes of the struct count: the offset of
    //      sun_path in the struct, plus the path, plus its '\0'.
    //   4. Return common::Address::from_sockaddr() of it, with that size.
    // Write these steps yourself: common::Address::unix_path() does the same job,
    // and calling it teaches you nothing (nor does it throw PathTooLong).
    return {};
}

}  // namespace sockserv::ch02::exercises
