/// \file
/// \brief The four Threading servers: a thread per request for each kind
/// of server.
#pragma once

#include "ch06/tcp_server.hpp"
#include "ch06/threading_mixin.hpp"
#include "ch06/udp_server.hpp"
#include "ch06/unix_datagram_server.hpp"
#include "ch06/unix_stream_server.hpp"

namespace sockserv::ch06 {

// Each class waits for its request threads in its own destructor, the
// first to run: see ~ThreadingMixIn() for why the mixin's would be late.

/// \ingroup ch06
/// \brief TCPServer with a thread per connection: Python's
/// `class ThreadingTCPServer(ThreadingMixIn, TCPServer): pass`.
/// \see \ref part-ch05, \ref ch05-mixin.
class ThreadingTCPServer : public ThreadingMixIn<TCPServer> {
public:
    using ThreadingMixIn::ThreadingMixIn;
    /// \brief Waits for the request threads before anything of the object goes.
    ~ThreadingTCPServer() override { close_and_join_all(); }
};

/// \ingroup ch06
/// \brief UDPServer with a thread per datagram.
/// \see \ref part-ch05, \ref ch05-mixin.
class ThreadingUDPServer : public ThreadingMixIn<UDPServer> {
public:
    using ThreadingMixIn::ThreadingMixIn;
    /// \brief Waits for the request threads before anything of the object goes.
    ~ThreadingUDPServer() override { close_and_join_all(); }
};

/// \ingroup ch06
/// \brief UnixStreamServer with a thread per connection.
/// \see \ref part-ch05, \ref ch05-mixin.
class ThreadingUnixStreamServer : public ThreadingMixIn<UnixStreamServer> {
public:
    using ThreadingMixIn::ThreadingMixIn;
    /// \brief Waits for the request threads before anything of the object goes.
    ~ThreadingUnixStreamServer() override { close_and_join_all(); }
};

/// \ingroup ch06
/// \brief UnixDatagramServer with a thread per datagram.
/// \see \ref part-ch05, \ref ch05-mixin.
class ThreadingUnixDatagramServer : public ThreadingMixIn<UnixDatagramServer> {
public:
    using ThreadingMixIn::ThreadingMixIn;
    /// \brief Waits for the request threads before anything of the object goes.
    ~ThreadingUnixDatagramServer() override { close_and_join_all(); }
};

}  // namespace sockserv::ch06
