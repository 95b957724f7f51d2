/// \file
/// \brief Chapter 3's four server classes, made known to the test helpers
/// and the feature suites (tests/features), which find them through
/// ch03::BaseServer; its handler<H>(), and SystemExit, which the
/// lifecycle suites throw.
#pragma once

#include "ch03/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch03::BaseServer>
    : ServerClasses<ch03::TCPServer, ch03::UDPServer, ch03::UnixStreamServer,
                    ch03::UnixDatagramServer> {
    template <class Handler>
    static ch03::HandlerFactory handler() { return ch03::handler<Handler>(); }
    using SystemExit = ch03::SystemExit;
};
