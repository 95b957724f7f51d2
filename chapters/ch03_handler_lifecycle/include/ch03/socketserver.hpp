/// \file
/// \brief Chapter 3 in one include: the whole request lifecycle.
#pragma once

/// \defgroup ch03 Chapter 3: the request lifecycle
/// \brief The protocol between a server and its handler, every hook of it:
/// setup(), handle() and finish(); verify_request(), handle_error() and
/// SystemExit; timeout, handle_timeout() and service_actions();
/// allow_reuse_port.
///
/// The book's \ref part-ch03 walks through what changed since chapter 2.

#include "ch03/base_request_handler.hpp"
#include "ch03/base_server.hpp"
#include "ch03/request.hpp"
#include "ch03/system_exit.hpp"
#include "ch03/tcp_server.hpp"
#include "ch03/udp_server.hpp"
#include "ch03/unix_datagram_server.hpp"
#include "ch03/unix_stream_server.hpp"

/// \brief Chapter 3: the request lifecycle (see \ref ch03).
namespace sockserv::ch03 {}
