/// \file
/// \brief Exercise 3.1 (given: read it, do not edit it): a TCPServer that
/// serves only the clients on its allow-list, through verify_request();
/// you write allowed() and verify_request() in allow_list.cpp.
///
/// Book: "Exercise 3.1: access control with verify_request()". Check: `./course check ch03`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ch03/socketserver.hpp"

/// \brief What the chapter-3 exercises ask you to write.
namespace sockserv::ch03::exercises {

/// \brief The clients a server admits, one entry per host or network.
///
/// Each entry is one of two things:
/// - An IP address, IPv4 or IPv6, spelt as common::Address::host() spells
///   it: `"192.168.1.20"`, `"::1"`. It admits that one host, on any port.
///   It is compared as text, with no DNS lookup: `"localhost"` admits
///   nobody, since host() never returns a name.
/// - An IPv4 network in CIDR notation, `"ADDRESS/BITS"` with BITS a whole
///   number from 0 to 32: `"127.0.0.0/8"`, `"10.1.0.0/16"`. It admits
///   every IPv4 host whose first BITS bits are the first BITS bits of
///   ADDRESS (the rest of ADDRESS is ignored). `"0.0.0.0/0"` admits every
///   IPv4 host; `"10.1.2.3/32"` admits 10.1.2.3 only.
///
/// An empty list admits nobody.
using AllowList = std::vector<std::string>;

/// \brief Your part, 1 of 2: whether \p allow_list admits \p client.
///
/// - A client that is not an inet address (`AF_INET` or `AF_INET6`), such
///   as the client of a Unix-domain server, is never admitted, whatever the
///   list says.
/// - Otherwise the client is admitted if any entry admits its host, as
///   AllowList describes. The client's port plays no part.
///
/// \param allow_list the entries, looked at in order until one admits the client
/// \param client     the client's address, as the server received it
/// \return true if some entry admits the client's host
/// \throws std::invalid_argument an entry with a `/` that is not an IPv4
///         network as described (`"10.0.0.0/33"`, `"10.0.0/8"`,
///         `"::1/128"`, `"10.0.0.0/"`), met before an entry that admits the
///         client; the message names the entry
// [allowed]
[[nodiscard]] bool allowed(const AllowList& allow_list, const common::Address& client);
// [allowed]

/// \brief A TCPServer that serves only the clients its #allow_list admits.
///
/// A denied client is not served at all: its connection is shut down
/// without a handler (the client reads end-of-file), no error is reported,
/// and the server goes on with the next client. All of that is done by
/// the serving loop once verify_request() has said no.
class AllowListServer : public TCPServer {
public:
    /// \brief A TCPServer (see its constructor) with an allow-list.
    /// \param server_address      where to listen
    /// \param RequestHandlerClass makes the handler of each admitted request
    /// \param allow_list          who may be served
    /// \param bind_and_activate   as for TCPServer
    AllowListServer(common::Address server_address, HandlerFactory RequestHandlerClass,
                    AllowList allow_list, bool bind_and_activate = true)
        : TCPServer(std::move(server_address), std::move(RequestHandlerClass),
                    bind_and_activate),
          allow_list(std::move(allow_list)) {}

    /// \brief Your part, 2 of 2: serve the request if allowed() admits
    /// \p client_address, deny it otherwise.
    ///
    /// It only decides. Denying is returning false: the serving loop then
    /// shuts the request down itself, once.
    /// \param request        the connection (not needed to decide)
    /// \param client_address who connected
    /// \return true to serve the request, false to deny it
    // [verify-request]
    bool verify_request(Request& request, const common::Address& client_address) override;
    // [verify-request]

    /// \brief Who may be served; change it between requests if you like.
    AllowList allow_list;
};

}  // namespace sockserv::ch03::exercises
