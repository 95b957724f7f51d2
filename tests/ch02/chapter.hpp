/// \file
/// \brief Chapter 2's four server classes, made known to the test helpers
/// and the feature suites (tests/features), which find them through
/// ch02::BaseServer.
#pragma once

#include "ch02/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch02::BaseServer>
    : ServerClasses<ch02::TCPServer, ch02::UDPServer, ch02::UnixStreamServer,
                    ch02::UnixDatagramServer> {
    template <class Handler>
    static ch02::HandlerFactory handler() { return ch02::handler<Handler>(); }
};
