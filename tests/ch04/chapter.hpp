/// \file
/// \brief Chapter 4's four server classes, made known to the test helpers
/// and the feature suites (tests/features), which find them through
/// ch04::BaseServer; its handler<H>(), SystemExit, which the lifecycle
/// suites throw, and from this chapter on the classes of its files
/// (the stream-handler suites use them).
#pragma once

#include "ch04/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch04::BaseServer>
    : ServerClasses<ch04::TCPServer, ch04::UDPServer, ch04::UnixStreamServer,
                    ch04::UnixDatagramServer> {
    template <class Handler>
    static ch04::HandlerFactory handler() { return ch04::handler<Handler>(); }
    using SystemExit = ch04::SystemExit;
    using StreamRequestHandler = ch04::StreamRequestHandler;
    using DatagramRequestHandler = ch04::DatagramRequestHandler;
    using BufferedReader = ch04::BufferedReader;
    using RawIOBase = ch04::RawIOBase;
    using SocketIO = ch04::SocketIO;
    using SocketWriter = ch04::SocketWriter;
};
