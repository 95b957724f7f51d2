/// \file
/// \brief Chapter 1 in one include: a blocking TCPServer.
#pragma once

/// \defgroup ch01 Chapter 1: a blocking TCPServer
/// \brief BaseServer, TCPServer and BaseRequestHandler: one client at a time.
///
/// The book's \ref part-ch01 walks through this code.

#include "ch01/base_request_handler.hpp"
#include "ch01/base_server.hpp"
#include "ch01/tcp_server.hpp"

/// \brief Chapter 1: a blocking TCPServer (see \ref ch01).
namespace sockserv::ch01 {}
