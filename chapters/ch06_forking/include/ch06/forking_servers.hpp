/// \file
/// \brief The four Forking servers: a process per request for each kind
/// of server.
#pragma once

#include "ch06/forking_mixin.hpp"
#include "ch06/tcp_server.hpp"
#include "ch06/udp_server.hpp"
#include "ch06/unix_datagram_server.hpp"
#include "ch06/unix_stream_server.hpp"

namespace sockserv::ch06 {

// Unlike the Threading servers, these need no destructor of their own: a
// child is a process with its own copy of everything, and nothing it does
// can touch this object while it is being destroyed.

/// \ingroup ch06
/// \brief TCPServer with a process per connection: Python's
/// `class ForkingTCPServer(ForkingMixIn, TCPServer): pass`.
/// \see \ref part-ch06, \ref ch06-mixin.
class ForkingTCPServer : public ForkingMixIn<TCPServer> {
public:
    using ForkingMixIn::ForkingMixIn;
};

/// \ingroup ch06
/// \brief UDPServer with a process per datagram.
/// \see \ref part-ch06, \ref ch06-mixin.
class ForkingUDPServer : public ForkingMixIn<UDPServer> {
public:
    using ForkingMixIn::ForkingMixIn;
};

/// \ingroup ch06
/// \brief UnixStreamServer with a process per connection (Python 3.12).
/// \see \ref part-ch06, \ref ch06-mixin.
class ForkingUnixStreamServer : public ForkingMixIn<UnixStreamServer> {
public:
    using ForkingMixIn::ForkingMixIn;
};

/// \ingroup ch06
/// \brief UnixDatagramServer with a process per datagram (Python 3.12).
/// \see \ref part-ch06, \ref ch06-mixin.
class ForkingUnixDatagramServer : public ForkingMixIn<UnixDatagramServer> {
public:
    using ForkingMixIn::ForkingMixIn;
};

}  // namespace sockserv::ch06
