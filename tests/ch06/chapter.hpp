/// \file
/// \brief Chapter 6's twelve server classes, made known to the test helpers
/// and the feature suites (tests/features), which find them through
/// ch06::BaseServer; its handler<H>(), SystemExit, and the classes of its
/// files.
#pragma once

#include "ch06/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch06::BaseServer>
    : ForkingServerClasses<ch06::TCPServer, ch06::UDPServer, ch06::UnixStreamServer,
                           ch06::UnixDatagramServer, ch06::ThreadingTCPServer,
                           ch06::ThreadingUDPServer, ch06::ThreadingUnixStreamServer,
                           ch06::ThreadingUnixDatagramServer, ch06::ForkingTCPServer,
                           ch06::ForkingUDPServer, ch06::ForkingUnixStreamServer,
                           ch06::ForkingUnixDatagramServer> {
    template <class Handler>
    static ch06::HandlerFactory handler() { return ch06::handler<Handler>(); }
    using SystemExit = ch06::SystemExit;
    using StreamRequestHandler = ch06::StreamRequestHandler;
    using DatagramRequestHandler = ch06::DatagramRequestHandler;
    using BufferedReader = ch06::BufferedReader;
    using RawIOBase = ch06::RawIOBase;
    using SocketIO = ch06::SocketIO;
    using SocketWriter = ch06::SocketWriter;
};
