/// \file
/// \brief A test's side of a connection: a client whose every wait has a limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/address.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"

namespace sockserv::test {

/// \brief How long any single wait in a test may last before it fails.
///
/// Generous, because sanitizer builds on a loaded machine are slow; a
/// passing test never waits this long, only a broken one does.
inline constexpr common::Seconds default_timeout{10.0};

/// \brief The address that asks Linux to choose a Unix socket's name when
/// it is bound: a unique name in the abstract namespace (`@` and five hex
/// digits), which leaves no file behind.
common::Address unix_autobind_address();

/// \brief A stream client for tests: connect, send, read with a time limit.
///
/// A read that times out or meets an early end of stream throws
/// `std::runtime_error` saying what was expected and what arrived, which
/// GoogleTest prints as the reason the test failed.
class Client {
public:
    /// \brief Connects to \p server (inet or Unix) with \p timeout on every wait.
    explicit Client(const common::Address& server, common::Seconds timeout = default_timeout);
    /// \brief Binds \p own_address first, then connects to \p server: the
    /// server's client_address is then that address. (A Unix client that
    /// binds nothing is unnamed, and all such clients look alike.)
    Client(const common::Address& server, const common::Address& own_address,
           common::Seconds timeout = default_timeout);

    /// \brief Sends all of \p data.
    void send(std::string_view data);
    /// \brief Reads up to and including the next `\n`.
    std::string recv_line();
    /// \brief Reads exactly \p count bytes.
    std::string recv_exactly(std::size_t count);
    /// \brief Reads until the server closes its side.
    std::string recv_until_eof();
    /// \brief True if the server closed its side with nothing more to read.
    bool at_eof();
    /// \brief Tells the server we are done sending (`shutdown(SHUT_WR)`).
    void close_write();
    /// \brief Closes abruptly: the server's next read or write sees a reset.
    void reset();
    /// \brief The underlying socket, for anything else.
    common::Socket& socket() { return socket_; }

private:
    std::size_t fill();  // one recv() into buffer_; 0 at EOF

    common::Socket socket_;
    std::string buffer_;  // received but not yet returned
};

}  // namespace sockserv::test
