/// \file
/// \brief Chapter 5's eight server classes, made known to the test helpers
/// and the feature suites (tests/features), which find them through
/// ch05::BaseServer; its handler<H>(), SystemExit, which the lifecycle
/// suites throw, and from this chapter on the classes of its files
/// (the stream-handler suites use them).
#pragma once

#include "ch05/socketserver.hpp"
#include "support/server_classes.hpp"

template <>
struct sockserv::test::ChapterServers<sockserv::ch05::BaseServer>
    : ThreadingServerClasses<ch05::TCPServer, ch05::UDPServer, ch05::UnixStreamServer,
                             ch05::UnixDatagramServer, ch05::ThreadingTCPServer,
                             ch05::ThreadingUDPServer, ch05::ThreadingUnixStreamServer,
                             ch05::ThreadingUnixDatagramServer> {
    template <class Handler>
    static ch05::HandlerFactory handler() { return ch05::handler<Handler>(); }
    using SystemExit = ch05::SystemExit;
    using StreamRequestHandler = ch05::StreamRequestHandler;
    using DatagramRequestHandler = ch05::DatagramRequestHandler;
    using BufferedReader = ch05::BufferedReader;
    using RawIOBase = ch05::RawIOBase;
    using SocketIO = ch05::SocketIO;
    using SocketWriter = ch05::SocketWriter;
};
