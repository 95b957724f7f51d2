/// \file
/// \brief Chapter 2's four server classes, made known to the test helpers
/// of tests/support (ServerTest, kind_of, the EveryServer suite), which
/// find them through ch02::BaseServer. The typed tests run on the lists
/// `test::ChapterServers<ch02::BaseServer>::All` (or Stream, Datagram…).
#pragma once

#include "ch02/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch02::BaseServer>
    : ServerClasses<ch02::TCPServer, ch02::UDPServer, ch02::UnixStreamServer,
                    ch02::UnixDatagramServer> {};
