/// \file
/// \brief Chapter 1's classes, made known to the test helpers and the
/// feature suites (tests/features), which find them through
/// ch01::BaseServer. Its one class, TCPServer, is every list that has a TCP
/// server in it.
#pragma once

#include "ch01/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch01::BaseServer>
    : TcpServerClasses<ch01::TCPServer> {
    template <class Handler>
    static ch01::HandlerFactory handler() { return ch01::handler<Handler>(); }
};
