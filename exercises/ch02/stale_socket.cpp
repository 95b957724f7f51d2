// Exercise 2.4: stale socket files, a Unix server's server_bind() that
// clears the way without breaking anything.
//
// Read the book's section "Exercise 2.4: stale socket files" first
// (book.md, anchor ex-ch02-stale-socket).
// Check your work with:   ./course check ch02
// You edit this file only; stale_socket.hpp (the class, its constructor) is given.
#include "stale_socket.hpp"

#include <filesystem>
#include <system_error>
#include <sys/socket.h>

namespace sockserv::ch02::exercises {

void RestartableUnixServer::server_bind() {
    // TODO(exercise): remove a stale socket file at the path, then bind.
    //   1. The path is server_address.host(). If no socket file is there (nothing at
    //      all, or something that is not a socket: std::filesystem::symlink_status()
    //      tells), skip to step 3. Never remove anything that is not a socket.
    //   2. Ask whether anybody is behind that socket file: open a socket of this
    //      server's socket_type and connect() it to server_address, without ever
    //      letting it wait (SOCK_NONBLOCK: a busy server is still a server). Only
    //      ECONNREFUSED means nobody is there: then remove the file. A connection,
    //      or any other error, means leave it alone.
    //   3. Bind: TCPServer::server_bind() does it (and records the address). If the
    //      path is still taken, it throws std::system_error with EADDRINUSE, naming
    //      the path: let that out.
}

}  // namespace sockserv::ch02::exercises
