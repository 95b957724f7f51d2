/// \file
/// \brief DatagramRequestHandler, as a datagram client sees it: `rfile`
/// reads the datagram (line by line, or by read()), what `wfile` gathers
/// comes back as one datagram, an empty one when nothing was written, and
/// even after handle() threw; a Unix client that bound no path cannot be
/// answered, and that error reaches handle_error(). `DatagramHandler` over
/// both datagram classes, `DatagramHandlerOverUnixDatagram` for the
/// unbound client. From chapter 4 on: tests/features/suites.cmake runs
/// them on every later chapter.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "support/datagram_client.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"

namespace sockserv::test {

/// \brief The DatagramRequestHandler of \p Server's chapter.
template <class Server>
using DatagramHandlerOf = typename ChapterOf<Server>::DatagramRequestHandler;

/// \brief A DatagramRequestHandler that writes its three steps in its
/// server's record (a RecordingServer) and whose handle() is \p handle.
template <class Server>
class PlannedDatagramHandler : public DatagramHandlerOf<Server> {
    using Base = DatagramHandlerOf<Server>;

public:
    using Handle = std::function<void(Base&)>;

    PlannedDatagramHandler(RequestOf<Server>& request, const common::Address& client,
                           BaseServerOf<Server>& server, const Handle& handle)
        : Base(request, client, server), handle_(handle) {}

    void setup() override {
        record("setup");
        Base::setup();
    }
    void handle() override {
        record("handle");
        if (handle_) {
            handle_(*this);
        }
    }
    void finish() override {
        record("finish");
        Base::finish();
    }

private:
    void record(const char* hook) {
        log_of(*this).record({hook, this->socket.fd(), this->client_address});
    }

    const Handle& handle_;
};

template <class Server>
class DatagramHandler : public ServerTest<Server> {
protected:
    using Handle = typename PlannedDatagramHandler<Server>::Handle;

    static HandlerFactoryOf<Server> planned(const Handle& handle) {
        return [&handle](RequestOf<Server>& request, const common::Address& client,
                         BaseServerOf<Server>& server) {
            return std::make_unique<PlannedDatagramHandler<Server>>(request, client, server,
                                                                    handle);
        };
    }

    // Sends `data` as one datagram, serves it, and returns the reply.
    std::string exchange(const std::string& data) {
        auto peer = this->client(server.server_address);
        peer->request(data);
        EXPECT_TRUE(serve_one(server));
        return peer->reply();
    }

    Handle handle;  // what handle() does; set before each request is served
    RecordingServer<Server> server{this->server_address(), planned(handle)};
};
TYPED_TEST_SUITE_P(DatagramHandler);

TYPED_TEST_P(DatagramHandler, RfileReadsTheDatagramLineByLine) {
    this->handle = [](auto& handler) {
        for (const std::string& line : handler.rfile) {
            handler.wfile.write("[" + line + "]");
        }
    };

    const std::string datagram{"one\n\0two\nthree", 14};
    EXPECT_EQ(this->exchange(datagram), std::string("[one\n][\0two\n][three]", 20));
}

TYPED_TEST_P(DatagramHandler, RfileReadsTheDatagramWithRead) {
    this->handle = [](auto& handler) {
        std::string first = handler.rfile.read(3);
        std::string rest = handler.rfile.read();
        std::string after = handler.rfile.read();
        handler.wfile.write("[" + first + "][" + rest + "][" + after + "]");
    };

    EXPECT_EQ(this->exchange("abc\ndef\n"), "[abc][\ndef\n][]") << "read() stops at the end";
}

TYPED_TEST_P(DatagramHandler, WhatWfileGathersGoesBackAsOneDatagram) {
    this->handle = [](auto& handler) {
        handler.wfile.write("a");
        handler.wfile.write("b\n");
        handler.wfile.write(std::string{"\0c", 2});
    };

    EXPECT_EQ(this->exchange("anything"), std::string("ab\n\0c", 5));
    EXPECT_TRUE(this->server.errors().empty());
}

TYPED_TEST_P(DatagramHandler, NothingWrittenIsAnsweredWithAnEmptyDatagram) {
    // As CPython: finish() sends wfile's bytes, whatever their number.
    this->handle = [](auto& handler) { (void)handler.rfile.read(); };
    auto peer = this->client(this->server.server_address);

    peer->request("say nothing");
    ASSERT_TRUE(serve_one(this->server));
    EXPECT_EQ(peer->reply(), "");

    // The empty reply was that request's, not a later one's.
    this->handle = [](auto& handler) { handler.wfile.write(handler.rfile.read()); };
    peer->request("now speak");
    ASSERT_TRUE(serve_one(this->server));
    EXPECT_EQ(peer->reply(), "now speak");
}

TYPED_TEST_P(DatagramHandler, TheReplyIsSentEvenWhenHandleThrows) {
    // finish() runs in Python's `finally`, and sends what was gathered;
    // then the error reaches handle_error().
    this->handle = [](auto& handler) {
        handler.wfile.write("partial");
        throw std::runtime_error("handle failed on purpose");
    };

    EXPECT_EQ(this->exchange("hello"), "partial");

    EXPECT_EQ(this->server.hooks(),
              (std::vector<std::string>{"server_bind", "server_activate", "get_request",
                                        "process_request", "finish_request", "setup", "handle",
                                        "finish", "handle_error", "shutdown_request",
                                        "close_request"}));
    EXPECT_EQ(this->server.errors(),
              (std::vector<std::string>{"std::runtime_error: handle failed on purpose"}));
}

REGISTER_TYPED_TEST_SUITE_P(DatagramHandler,
                            RfileReadsTheDatagramLineByLine,
                            RfileReadsTheDatagramWithRead,
                            WhatWfileGathersGoesBackAsOneDatagram,
                            NothingWrittenIsAnsweredWithAnEmptyDatagram,
                            TheReplyIsSentEvenWhenHandleThrows);

// A Unix datagram client that bound no path: there is nowhere to answer.
template <class Server>
class DatagramHandlerOverUnixDatagram : public DatagramHandler<Server> {};
TYPED_TEST_SUITE_P(DatagramHandlerOverUnixDatagram);

TYPED_TEST_P(DatagramHandlerOverUnixDatagram, AnUnboundClientsReplyFailsInHandleErrorAndTheNextIsServed) {
    auto& server = this->server;
    this->handle = [](auto& handler) { handler.wfile.write(handler.rfile.read()); };
    DatagramClient unbound{server.server_address};

    unbound.send("who am i");
    ASSERT_TRUE(serve_one(server));
    ASSERT_TRUE(server.wait_for("close_request", 1));

    EXPECT_EQ(server.count("handle"), 1u);
    EXPECT_EQ(server.count("finish"), 1u);
    ASSERT_EQ(server.errors().size(), 1u) << "the failed reply was not reported";
    EXPECT_NE(server.errors()[0].find("sendto"), std::string::npos) << server.errors()[0];
    EXPECT_EQ(this->exchange("next"), "next");
    EXPECT_EQ(server.errors().size(), 1u);
}

REGISTER_TYPED_TEST_SUITE_P(DatagramHandlerOverUnixDatagram,
                            AnUnboundClientsReplyFailsInHandleErrorAndTheNextIsServed);

}  // namespace sockserv::test
