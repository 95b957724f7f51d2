/// \file
/// \brief What the tests need to know about a chapter's server classes:
/// the chapter's other types, found from a server class, and which of the
/// four kinds of server a class is.
///
/// Chapter 1 has one server class, TCPServer; every chapter from 2 on has
/// four kinds of server (TCP, UDP, Unix stream, Unix datagram), and later
/// chapters add classes of the same kinds (ThreadingTCPServer is a
/// TCPServer). The test helpers and the feature suites (tests/features)
/// are written once, as templates over a server class; this header lets
/// them find, from that one class, the chapter's Request,
/// BaseRequestHandler and BaseServer, the kind of server it is, and the
/// lists of classes a suite runs on. A chapter's tests make its classes
/// known with one specialisation of ChapterServers (tests/chNN/chapter.hpp).
#pragma once

#include <functional>
#include <memory>
#include <type_traits>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/address.hpp"
#include "common/socket.hpp"

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

/// \brief The socket a request is served through, whatever the chapter's
/// Request: chapter 1's request is the connected socket itself, later
/// chapters' Request has socket().
template <class Request>
common::Socket& socket_of(Request& request) {
    if constexpr (std::is_same_v<Request, common::Socket>) {
        return request;
    } else {
        return request.socket();
    }
}

/// \brief True if \p Request can be a datagram (chapters from 2 on), so
/// that code for every chapter may look at is_datagram() and data.
template <class Request>
inline constexpr bool has_datagrams = requires(Request& request) {
    request.is_datagram();
    request.data;
};


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

/// \brief A chapter's four synchronous server classes, as lists of
/// typed-test parameters and as the kind each class (or a subclass of it)
/// is.
///
/// The lists are what the feature suites run on (tests/features/suites.cmake
/// says which suite takes which list): All, the classes that serve
/// Synchronous-ly (one request at a time, the handler done when
/// handle_request() returns), and All split by kind. A chapter that adds
/// classes (chapter 5's ThreadingTCPServer…) derives from this and
/// redefines the lists with its new classes added; the kinds stay four.
template <class TCP, class UDP, class UnixStreamClass, class UnixDatagramClass>
struct ServerClasses {
    using All = ::testing::Types<TCP, UDP, UnixStreamClass, UnixDatagramClass>;
    using Synchronous = All;
    using Tcp = ::testing::Types<TCP>;
    using Udp = ::testing::Types<UDP>;
    using UnixStream = ::testing::Types<UnixStreamClass>;
    using UnixDatagram = ::testing::Types<UnixDatagramClass>;
    using Stream = ::testing::Types<TCP, UnixStreamClass>;
    using Datagram = ::testing::Types<UDP, UnixDatagramClass>;
    using Inet = ::testing::Types<TCP, UDP>;
    using Unix = ::testing::Types<UnixStreamClass, UnixDatagramClass>;

    /// \brief The kind of \p Server (one of the four classes or a subclass
    /// of one). Most derived first: UnixDatagramServer is a UDPServer, and
    /// all four are TCPServers.
    template <class Server>
    static constexpr ServerKind kind = std::is_base_of_v<UnixDatagramClass, Server> ? unix_datagram_kind
                                       : std::is_base_of_v<UDP, Server>             ? udp_kind
                                       : std::is_base_of_v<UnixStreamClass, Server> ? unix_stream_kind
                                                                                    : tcp_kind;
};

/// \brief A chapter's four synchronous classes and their four Threading
/// variants (chapter 5 on).
///
/// All is the eight; Synchronous only the first four (a Threading server's
/// handle_request() returns before the handler has run); Threading the
/// last four; each kind's list has both its classes. A suite whose
/// promises hold whichever thread runs the handler takes All or a kind's
/// list; one that relies on the handler being done when the serving call
/// returns takes Synchronous.
template <class TCP, class UDP, class UnixStreamClass, class UnixDatagramClass,
          class ThreadingTCP, class ThreadingUDP, class ThreadingUnixStream,
          class ThreadingUnixDatagram>
struct ThreadingServerClasses
    : ServerClasses<TCP, UDP, UnixStreamClass, UnixDatagramClass> {
    using All = ::testing::Types<TCP, UDP, UnixStreamClass, UnixDatagramClass, ThreadingTCP,
                                 ThreadingUDP, ThreadingUnixStream, ThreadingUnixDatagram>;
    using Synchronous = ::testing::Types<TCP, UDP, UnixStreamClass, UnixDatagramClass>;
    using Threading = ::testing::Types<ThreadingTCP, ThreadingUDP, ThreadingUnixStream,
                                       ThreadingUnixDatagram>;
    using Tcp = ::testing::Types<TCP, ThreadingTCP>;
    using Udp = ::testing::Types<UDP, ThreadingUDP>;
    using UnixStream = ::testing::Types<UnixStreamClass, ThreadingUnixStream>;
    using UnixDatagram = ::testing::Types<UnixDatagramClass, ThreadingUnixDatagram>;
    using Stream = ::testing::Types<TCP, UnixStreamClass, ThreadingTCP, ThreadingUnixStream>;
    using Datagram = ::testing::Types<UDP, UnixDatagramClass, ThreadingUDP, ThreadingUnixDatagram>;
    using Inet = ::testing::Types<TCP, UDP, ThreadingTCP, ThreadingUDP>;
    using Unix = ::testing::Types<UnixStreamClass, UnixDatagramClass, ThreadingUnixStream,
                                  ThreadingUnixDatagram>;
    using ThreadingStream = ::testing::Types<ThreadingTCP, ThreadingUnixStream>;
    using ThreadingDatagram = ::testing::Types<ThreadingUDP, ThreadingUnixDatagram>;
};

/// \brief A chapter's twelve classes: the four synchronous ones, their
/// Threading and their Forking variants (chapter 6 on).
///
/// All and each kind's list keep the eight classes whose handler runs in
/// the test's own process, where the suites look at what it did: a
/// Forking server's handler runs in a child, and what it records there
/// stays there. The Forking lists are for the suites written for
/// processes (tests/features/forking_mixin_suite.hpp), which look from
/// outside (clients, pids, exit statuses), and for the earlier suites that
/// look only from the client's side (suites.cmake registers those again,
/// AS Forking, over the Forking list of their kind).
template <class TCP, class UDP, class UnixStreamClass, class UnixDatagramClass,
          class ThreadingTCP, class ThreadingUDP, class ThreadingUnixStream,
          class ThreadingUnixDatagram, class ForkingTCP, class ForkingUDP,
          class ForkingUnixStreamClass, class ForkingUnixDatagramClass>
struct ForkingServerClasses
    : ThreadingServerClasses<TCP, UDP, UnixStreamClass, UnixDatagramClass, ThreadingTCP,
                             ThreadingUDP, ThreadingUnixStream, ThreadingUnixDatagram> {
    using Forking = ::testing::Types<ForkingTCP, ForkingUDP, ForkingUnixStreamClass,
                                     ForkingUnixDatagramClass>;
    using ForkingTcp = ::testing::Types<ForkingTCP>;
    using ForkingUdp = ::testing::Types<ForkingUDP>;
    using ForkingUnixStream = ::testing::Types<ForkingUnixStreamClass>;
    using ForkingUnixDatagram = ::testing::Types<ForkingUnixDatagramClass>;
    using ForkingStream = ::testing::Types<ForkingTCP, ForkingUnixStreamClass>;
    using ForkingDatagram = ::testing::Types<ForkingUDP, ForkingUnixDatagramClass>;
    using ForkingInet = ::testing::Types<ForkingTCP, ForkingUDP>;
    using ForkingUnix = ::testing::Types<ForkingUnixStreamClass, ForkingUnixDatagramClass>;
};

/// \brief Chapter 1's lists: TCPServer is its only class, so it is every
/// list that has a TCP server in it; the suites over datagram or Unix
/// servers start at chapter 2.
template <class TCP>
struct TcpServerClasses {
    using All = ::testing::Types<TCP>;
    using Synchronous = All;
    using Tcp = All;
    using Stream = All;
    using Inet = All;

    template <class Server>
    static constexpr ServerKind kind = tcp_kind;
};

/// \brief A chapter's ServerClasses, looked up by the chapter's BaseServer.
///
/// Left undefined here: each chapter's tests specialise it once, for
/// `chNN::BaseServer`, deriving from ServerClasses (TcpServerClasses for
/// chapter 1) with the chapter's classes, and adding what the suites take
/// from the chapter's namespace: its `handler<H>()` (as a static member
/// template `handler`), and from chapter 3 on `using SystemExit = ch03::SystemExit;`.
template <class BaseServer>
struct ChapterServers;

/// \brief The kind of server class \p Server (tcp_kind, udp_kind…), found
/// through its chapter's ChapterServers: `if constexpr (kind_of<S>.datagram)`.
template <class Server>
inline constexpr ServerKind kind_of = ChapterServers<BaseServerOf<Server>>::template kind<Server>;

/// \brief Waits for \p server's request threads, if its class has any
/// (chapter 5's Threading classes), closing it: what the destructor of a
/// test's class derived from a server must do first. Until it returns, the
/// threads may call the object's hooks; once the destructor's body is
/// done, the object is no longer of that class (ThreadSanitizer reports the
/// change as a "data race on vptr" with a thread still calling a hook).
template <class Server>
void join_request_threads(Server& server) {
    if constexpr (requires { server.close_and_join_all(); }) {
        server.close_and_join_all();
    }
}

/// \brief The ChapterServers of \p Server's chapter: `typename
/// ChapterOf<S>::SystemExit`.
template <class Server>
using ChapterOf = ChapterServers<BaseServerOf<Server>>;

/// \brief A factory of \p Server's chapter that makes a
/// `Handler<BaseRequestHandler>` for each request, made by the chapter's own
/// `handler<...>()` (so that it is tested too), for code written for every
/// chapter.
template <template <class> class Handler, class Server>
HandlerFactoryOf<Server> handler_factory() {
    return ChapterOf<Server>::template handler<Handler<BaseRequestHandlerOf<Server>>>();
}

}  // namespace sockserv::test
