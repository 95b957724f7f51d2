/// \file
/// \brief Exercise 1.1 (given: read it, do not edit it): a TCPServer whose
/// server_bind() you write, in reuse_address.cpp.
///
/// Book: "Exercise 1.1: binding the server". Check: `./course check ch01`.
#pragma once

#include <utility>

#include "ch01/socketserver.hpp"

/// \brief What the chapter-1 exercises ask you to write.
namespace sockserv::ch01::exercises {

/// \brief A TCPServer that binds its socket with your own server_bind().
///
/// TCPServer's constructor can only reach TCPServer::server_bind(): while
/// it runs, the object is not yet a ReuseAddressServer, so a virtual call
/// stops at TCPServer. This class therefore follows the recipe Python's
/// docs give for `bind_and_activate=False`: ask the base not to bind, set
/// the attribute, then call server_bind() and server_activate() from our
/// own constructor, where the call does reach the override.
class ReuseAddressServer final : public TCPServer {
public:
    /// \brief Creates the socket, sets allow_reuse_address, binds it with
    /// your server_bind() and starts listening.
    /// \throws std::system_error binding failed (for instance EADDRINUSE)
    ReuseAddressServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                       bool allow_reuse_address)
        : TCPServer(std::move(server_address), std::move(RequestHandlerClass),
                    /*bind_and_activate=*/false) {
        this->allow_reuse_address = allow_reuse_address;
        server_bind();
        server_activate();
    }

    /// \brief Your part: bind `socket` to `server_address`, honouring
    /// allow_reuse_address, and record the address actually bound.
    void server_bind() override;
};

}  // namespace sockserv::ch01::exercises
