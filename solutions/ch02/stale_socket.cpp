// Exercise 2.4, solved: stale socket files, a Unix server's server_bind()
// that clears the way without breaking anything.
//
// Book: "Exercise 2.4: stale socket files" (book.md, anchor ex-ch02-stale-socket).
// Check: ./course check ch02
#include "stale_socket.hpp"

#include <filesystem>
#include <system_error>
#include <sys/socket.h>

namespace sockserv::ch02::exercises {

namespace {

// Whether nobody is behind the socket file at \p address: a connection to
// it is refused. Any other outcome means somebody is there, or that we
// cannot tell, and in both cases the file is not ours to remove.
bool nobody_answers(const common::Address& address, int socket_type) {
    // The probe must never wait. A Unix stream connect() to a server whose
    // listen queue is full blocks until there is room; non-blocking, it
    // fails at once with EAGAIN, which rightly counts as "somebody is there".
    common::Socket probe = common::Socket::open(AF_UNIX, socket_type | SOCK_NONBLOCK);
    try {
        probe.connect(address);
    } catch (const std::system_error& error) {
        // ECONNREFUSED: the file exists but no socket is bound to it any
        // more. Everything else (EPROTOTYPE from a live server of another
        // socket type, EACCES, EAGAIN) leaves the file in place.
        return error.code() == std::errc::connection_refused;
    }
    return false;  // it accepted: a live server. The probe closes on return.
}

}  // namespace

void RestartableUnixServer::server_bind() {
    namespace fs = std::filesystem;
    const fs::path path = server_address.host();

    // symlink_status() is lstat(): it looks at the path itself, so that a
    // symbolic link is never taken for the socket it may point to. Errors
    // (no such file, a directory we may not read) simply mean "not a socket".
    // A Linux abstract address ("@name") has no file; its host() names no
    // existing path, so nothing happens for it either.
    std::error_code error;
    if (fs::is_socket(fs::symlink_status(path, error)) &&
        nobody_answers(server_address, socket_type)) {
        // A socket file with nobody behind it: what a server that stopped
        // (or crashed) leaves, since neither close() nor server_close()
        // removes it. If removing fails, bind() below says why the path is
        // taken. (A server that binds the path between our probe and this
        // line would lose its file: real daemons hold a lock file to close
        // that gap.)
        fs::remove(path, error);
    }

    // The way is clear, or it is not ours to clear: bind as TCPServer does.
    // A path still taken makes it throw EADDRINUSE naming the path, which
    // is the right answer for a live server or a file that is no socket.
    TCPServer::server_bind();
}

}  // namespace sockserv::ch02::exercises
