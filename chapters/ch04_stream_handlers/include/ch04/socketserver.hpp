/// \file
/// \brief Chapter 4 in one include: the servers, and handlers that read and
/// write through buffered files.
#pragma once

/// \defgroup ch04 Chapter 4: buffered streams
/// \brief StreamRequestHandler and DatagramRequestHandler, with their
/// `rfile` (BufferedReader over SocketIO) and `wfile` (SocketWriter, or
/// BytesIO for a datagram's reply); a timeout that bounds a whole write.
///
/// The book's \ref part-ch04 walks through what changed since chapter 3.

#include "ch04/base_request_handler.hpp"
#include "ch04/base_server.hpp"
#include "ch04/buffered_reader.hpp"
#include "ch04/bytes_io.hpp"
#include "ch04/datagram_request_handler.hpp"
#include "ch04/raw_io_base.hpp"
#include "ch04/request.hpp"
#include "ch04/socket_io.hpp"
#include "ch04/socket_writer.hpp"
#include "ch04/stream_request_handler.hpp"
#include "ch04/system_exit.hpp"
#include "ch04/tcp_server.hpp"
#include "ch04/udp_server.hpp"
#include "ch04/unix_datagram_server.hpp"
#include "ch04/unix_stream_server.hpp"

/// \brief Chapter 4: buffered streams (see \ref ch04).
namespace sockserv::ch04 {}
