/// \file
/// \brief Chapter 6 in one include: the servers, their Threading and
/// Forking variants, and the handlers: all twelve classes of Python's
/// socketserver.
#pragma once

/// \defgroup ch06 Chapter 6: a process per request
/// \brief ForkingMixIn (max_children, active_children, collect_children(),
/// timeout, block_on_close) and ForkingTCPServer, ForkingUDPServer,
/// ForkingUnixStreamServer, ForkingUnixDatagramServer.
///
/// The book's \ref part-ch06 walks through what changed since chapter 5.

#include "ch06/base_request_handler.hpp"
#include "ch06/base_server.hpp"
#include "ch06/buffered_reader.hpp"
#include "ch06/bytes_io.hpp"
#include "ch06/datagram_request_handler.hpp"
#include "ch06/forking_mixin.hpp"
#include "ch06/forking_servers.hpp"
#include "ch06/raw_io_base.hpp"
#include "ch06/request.hpp"
#include "ch06/socket_io.hpp"
#include "ch06/socket_writer.hpp"
#include "ch06/stream_request_handler.hpp"
#include "ch06/system_exit.hpp"
#include "ch06/request_threads.hpp"
#include "ch06/tcp_server.hpp"
#include "ch06/threading_mixin.hpp"
#include "ch06/threading_servers.hpp"
#include "ch06/udp_server.hpp"
#include "ch06/unix_datagram_server.hpp"
#include "ch06/unix_stream_server.hpp"

/// \brief Chapter 6: a process per request (see \ref ch06).
namespace sockserv::ch06 {}
