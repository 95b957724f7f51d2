/// \file
/// \brief Chapter 5 in one include: the servers, their Threading
/// variants, and the handlers.
#pragma once

/// \defgroup ch05 Chapter 5: a thread per request
/// \brief ThreadingMixIn (daemon_threads, block_on_close, finished threads
/// reaped) and ThreadingTCPServer, ThreadingUDPServer,
/// ThreadingUnixStreamServer, ThreadingUnixDatagramServer.
///
/// The book's \ref part-ch05 walks through what changed since chapter 4.

#include "ch05/base_request_handler.hpp"
#include "ch05/base_server.hpp"
#include "ch05/buffered_reader.hpp"
#include "ch05/bytes_io.hpp"
#include "ch05/datagram_request_handler.hpp"
#include "ch05/raw_io_base.hpp"
#include "ch05/request.hpp"
#include "ch05/socket_io.hpp"
#include "ch05/socket_writer.hpp"
#include "ch05/stream_request_handler.hpp"
#include "ch05/system_exit.hpp"
#include "ch05/request_threads.hpp"
#include "ch05/tcp_server.hpp"
#include "ch05/threading_mixin.hpp"
#include "ch05/threading_servers.hpp"
#include "ch05/udp_server.hpp"
#include "ch05/unix_datagram_server.hpp"
#include "ch05/unix_stream_server.hpp"

/// \brief Chapter 5: a thread per request (see \ref ch05).
namespace sockserv::ch05 {}
