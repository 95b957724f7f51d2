/// \file
/// \brief What the tests need to know about a chapter's server classes:
/// the chapter's other types, found from a server class, and which of the
/// four kinds of server a class is.
///
/// Every chapter from 2 on has the same four synchronous classes
/// (TCPServer, UDPServer, UnixStreamServer, UnixDatagramServer), each in
/// its own namespace. The test helpers are written once, as templates over
/// a server class; this header lets them find, from that one class, the
/// chapter's Request, BaseRequestHandler and BaseServer, and the address
/// and client the class needs. A chapter's tests make its classes known
/// with one specialisation of ChapterServers (tests/chNN/servers.hpp).
#pragma once

#include <functional>
#include <memory>
#include <type_traits>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/address.hpp"

namespace sockserv::test {

/// \brief The parts of a chapter's `HandlerFactory`, Python's
/// `RequestHandlerClass`: a function from (request, client_address,
/// server) to a handler.
template <class Factory>
struct FactoryParts;

/// \brief `std::function<std::unique_ptr<Handler>(Request&, const Address&, Server&)>`,
/// taken apart.
template <class Handler, class RequestType, class Server>
struct FactoryParts<std::function<std::unique_ptr<Handler>(
    RequestType&, const common::Address&, Server&)>> {
    using BaseRequestHandler = Handler;
    using Request = RequestType;
    using BaseServer = Server;
};

/// \brief The type of \p Server's `RequestHandlerClass`: its chapter's HandlerFactory.
template <class Server>
using HandlerFactoryOf = decltype(Server::RequestHandlerClass);
/// \brief \p Server's chapter's Request.
template <class Server>
using RequestOf = typename FactoryParts<HandlerFactoryOf<Server>>::Request;
/// \brief \p Server's chapter's BaseRequestHandler.
template <class Server>
using BaseRequestHandlerOf = typename FactoryParts<HandlerFactoryOf<Server>>::BaseRequestHandler;
/// \brief \p Server's chapter's BaseServer.
template <class Server>
using BaseServerOf = typename FactoryParts<HandlerFactoryOf<Server>>::BaseServer;

/// \brief A factory of \p Server's chapter that makes a
/// `Handler<BaseRequestHandler>` for each request: what the chapter's own
/// `handler<...>()` returns, for code written for every chapter.
template <template <class> class Handler, class Server>
HandlerFactoryOf<Server> handler_factory() {
    using Made = Handler<BaseRequestHandlerOf<Server>>;
    return [](RequestOf<Server>& request, const common::Address& client,
              BaseServerOf<Server>& server) {
        return std::make_unique<Made>(request, client, server);
    };
}

/// \brief What a test needs to know about a kind of server: its Python
/// name, its kind of address and socket.
struct ServerKind {
    const char* name;
    bool unix_domain;  ///< a path, not HOST:PORT
    bool datagram;     ///< a datagram per request, not a connection
    int family;
    int socket_type;
};

inline constexpr ServerKind tcp_kind{"TCPServer", false, false, AF_INET, SOCK_STREAM};
inline constexpr ServerKind udp_kind{"UDPServer", false, true, AF_INET, SOCK_DGRAM};
inline constexpr ServerKind unix_stream_kind{"UnixStreamServer", true, false, AF_UNIX, SOCK_STREAM};
inline constexpr ServerKind unix_datagram_kind{"UnixDatagramServer", true, true, AF_UNIX, SOCK_DGRAM};

/// \brief One chapter's four server classes, as lists of typed-test
/// parameters and as the kind each class (or a subclass of it) is.
template <class TCP, class UDP, class UnixStream, class UnixDatagram>
struct ServerClasses {
    using All = ::testing::Types<TCP, UDP, UnixStream, UnixDatagram>;
    using Stream = ::testing::Types<TCP, UnixStream>;
    using Datagram = ::testing::Types<UDP, UnixDatagram>;
    using Inet = ::testing::Types<TCP, UDP>;
    using Unix = ::testing::Types<UnixStream, UnixDatagram>;

    /// \brief The kind of \p Server (one of the four classes or a subclass
    /// of one). Most derived first: UnixDatagramServer is a UDPServer, and
    /// all four are TCPServers.
    template <class Server>
    static constexpr ServerKind kind = std::is_base_of_v<UnixDatagram, Server> ? unix_datagram_kind
                                       : std::is_base_of_v<UDP, Server>        ? udp_kind
                                       : std::is_base_of_v<UnixStream, Server> ? unix_stream_kind
                                                                               : tcp_kind;
};

/// \brief A chapter's ServerClasses, looked up by the chapter's BaseServer.
///
/// Left undefined here: each chapter's tests specialise it once, for
/// `chNN::BaseServer`, deriving from ServerClasses with the chapter's four
/// classes.
template <class BaseServer>
struct ChapterServers;

/// \brief The kind of server class \p Server (tcp_kind, udp_kind…), found
/// through its chapter's ChapterServers: `if constexpr (kind_of<S>.datagram)`.
template <class Server>
inline constexpr ServerKind kind_of = ChapterServers<BaseServerOf<Server>>::template kind<Server>;

}  // namespace sockserv::test
