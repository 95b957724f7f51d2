/// \file
/// \brief Chapter 2 in one include: datagrams and Unix-domain sockets.
#pragma once

/// \defgroup ch02 Chapter 2: datagrams and Unix-domain sockets
/// \brief The four synchronous servers: TCPServer, UDPServer,
/// UnixStreamServer, UnixDatagramServer, and the two kinds of Request.
///
/// The book's \ref part-ch02 walks through what changed since chapter 1.

#include "ch02/base_request_handler.hpp"
#include "ch02/base_server.hpp"
#include "ch02/request.hpp"
#include "ch02/tcp_server.hpp"
#include "ch02/udp_server.hpp"
#include "ch02/unix_datagram_server.hpp"
#include "ch02/unix_stream_server.hpp"

/// \brief Chapter 2: datagrams and Unix-domain sockets (see \ref ch02).
namespace sockserv::ch02 {}
