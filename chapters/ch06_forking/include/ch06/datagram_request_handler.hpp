/// \file
/// \brief Python's `DatagramRequestHandler`: a datagram as two files.
#pragma once

#include <string>

#include "ch06/base_request_handler.hpp"
#include "ch06/buffered_reader.hpp"
#include "ch06/bytes_io.hpp"
#include "common/socket.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief A handler for datagram servers with the same two files as
/// StreamRequestHandler: `rfile` reads the datagram, `wfile` gathers the reply.
///
/// So a handler written for lines (`for line in rfile`) serves a datagram
/// server too. finish() sends what #wfile gathered as one datagram to the
/// client, always, as CPython does: after a handle() that threw, and as an
/// empty datagram when nothing was written. A client that cannot be
/// answered (a Unix datagram client that bound no path) makes finish()
/// throw, which the server reports through handle_error().
///
/// \see \ref part-ch04, which teaches this class: \ref ch04-datagram-handler.
class DatagramRequestHandler : public BaseRequestHandler {
public:
    /// \brief Stores what every handler stores; the files open in setup().
    /// \param request        the datagram and the server's socket
    /// \param client_address who sent the datagram
    /// \param server         the server that received it
    DatagramRequestHandler(Request& request, common::Address client_address, BaseServer& server);

    /// \brief Opens #rfile over the datagram's bytes, and an empty #wfile.
    void setup() override;
    /// \brief Sends #wfile's bytes to the client as one datagram.
    /// \throws std::system_error when the reply cannot be sent
    void finish() override;

    /// \brief The datagram's bytes: Python's `self.packet`.
    const std::string& packet;
    /// \brief The server's socket, to answer through: Python's `self.socket`.
    common::Socket& socket;
    /// \brief The datagram as a file to read.
    BufferedReader rfile;
    /// \brief The reply, gathered until finish() sends it.
    BytesIO wfile;
};

}  // namespace sockserv::ch06
