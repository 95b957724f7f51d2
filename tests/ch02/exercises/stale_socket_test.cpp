// Tests of exercise 2.4: RestartableUnixServer::server_bind() (exercises/ch02/stale_socket.cpp).
//
// Each test prepares what a server may find at its path in a fresh
// directory: nothing, the socket file of a server that has stopped, the
// socket of a server still running (stream or datagram, idle or busy), or
// a file that is no socket. Then it builds a RestartableUnixServer there
// and checks what happened to the path and to whoever owned it.
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/error.hpp"
#include "common/poller.hpp"
#include "stale_socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"

namespace {

using namespace sockserv;
using ch02::exercises::RestartableUnixServer;

namespace fs = std::filesystem;

// Says one line and returns.
class SayHello : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { request.socket().send_all("hello\n"); }
};

// What building a RestartableUnixServer on a path did.
struct Outcome {
    std::unique_ptr<RestartableUnixServer> server;
    std::optional<std::error_code> error;  // it threw std::system_error
    std::string what;                      // the error's message, or another exception
};

Outcome build(const fs::path& path) {
    Outcome outcome;
    try {
        outcome.server = std::make_unique<RestartableUnixServer>(
            common::Address::unix_path(path.string()), ch02::handler<SayHello>());
    } catch (const std::system_error& error) {
        outcome.error = error.code();
        outcome.what = error.what();
    } catch (...) {
        outcome.what = common::describe_current_exception();
    }
    return outcome;
}

// The inode of the file at \p path (0 if there is none): a file removed
// and not replaced shows as a change.
ino_t inode_of(const fs::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0 ? status.st_ino : 0;
}

// The server was built, is bound to \p path, and answers a client there.
testing::AssertionResult serves_at(Outcome& outcome, const fs::path& path,
                                   const std::string& situation) {
    auto failure = [&] { return testing::AssertionFailure() << situation << ": "; };
    if (!outcome.server) {
        auto result = failure() << "building a RestartableUnixServer there failed with "
                                << outcome.what << ". ";
        if (outcome.error == std::errc::invalid_argument) {
            return result << "(listen() refuses a socket that is not bound.) After clearing the "
                             "way, bind the socket: call TCPServer::server_bind().";
        }
        if (outcome.error == std::errc::address_in_use) {
            return result << "Nobody is behind that socket file any more (a connection to it is "
                             "refused): it is stale, and server_bind() should remove it before "
                             "binding.";
        }
        return result;
    }
    RestartableUnixServer& server = *outcome.server;
    if (server.server_address.host() != path.string()) {
        return failure() << "the server was built, but its server_address is "
                         << server.server_address << ", not " << path.string()
                         << ". TCPServer::server_bind() binds and records the address.";
    }
    try {
        test::Client client{server.server_address};
        server.handle_request();  // the client is already in the listen queue
        std::string line = client.recv_line();
        if (line != "hello\n") {
            return failure() << "a client of the new server received \"" << line
                             << "\" instead of its greeting";
        }
    } catch (const std::exception& error) {
        return failure() << "the server was built, but a client could not be served at "
                         << path.string() << ": " << error.what();
    }
    return testing::AssertionSuccess();
}

// Building the server failed with EADDRINUSE, and the file at \p path is
// still the one that was there (inode \p before).
testing::AssertionResult refused_and_left_alone(const Outcome& outcome, const fs::path& path,
                                                ino_t before, const std::string& situation,
                                                const std::string& why_not_stale) {
    auto failure = [&] { return testing::AssertionFailure() << situation << ": "; };
    if (outcome.server) {
        // bind() can only have succeeded once the file was gone.
        return failure() << "a RestartableUnixServer was built there, so server_bind() removed "
                            "the file that was there. "
                         << why_not_stale
                         << " Expected bind() to fail with EADDRINUSE (Address already in use).";
    }
    if (inode_of(path) != before) {
        return failure() << "building failed (" << outcome.what
                         << "), as it should, but the file that was there has been removed. "
                         << why_not_stale;
    }
    if (outcome.error != std::errc::address_in_use) {
        auto result = failure() << "building failed with " << outcome.what
                                << ", but expected bind() to fail with EADDRINUSE (Address "
                                   "already in use), naming the path.";
        if (outcome.error == std::errc::invalid_argument) {
            result << " (listen() refuses a socket that is not bound: does server_bind() call "
                      "TCPServer::server_bind() in every case?)";
        }
        return result;
    }
    if (outcome.what.find(path.string()) == std::string::npos) {
        return failure() << "bind() failed with EADDRINUSE, as it should, but the message ("
                         << outcome.what << ") does not name the path " << path.string();
    }
    return testing::AssertionSuccess();
}

// A stopped server's socket file at \p path: bound, then closed, and the
// file left behind as close() and server_close() leave it.
void leave_stale_socket_file(const fs::path& path) {
    ch02::UnixStreamServer old{common::Address::unix_path(path.string()),
                               ch02::handler<SayHello>()};
    old.server_close();
}

TEST(StaleSocket, BindsAPathWhereNothingIs) {
    test::TempDir dir;
    Outcome outcome = build(dir / "fresh.sock");
    EXPECT_TRUE(serves_at(outcome, dir / "fresh.sock", "nothing was at the path"));
}

TEST(StaleSocket, ReplacesTheFileOfAStoppedServer) {
    test::TempDir dir;
    const fs::path path = dir / "restart.sock";
    leave_stale_socket_file(path);
    ASSERT_TRUE(fs::is_socket(path)) << "(the test expected the stopped server's file there)";

    Outcome outcome = build(path);
    EXPECT_TRUE(serves_at(outcome, path,
                          "a server had stopped (server_close()) and left its socket file"));
}

TEST(StaleSocket, LeavesARunningServerAlone) {
    test::TempDir dir;
    const fs::path path = dir / "busy.sock";
    ch02::UnixStreamServer running{common::Address::unix_path(path.string()),
                                   ch02::handler<SayHello>()};
    ino_t before = inode_of(path);

    Outcome outcome = build(path);

    EXPECT_TRUE(refused_and_left_alone(
        outcome, path, before, "another UnixStreamServer is listening on the path",
        "A connection to that socket succeeds: a server is running there, and its clients "
        "would lose it."));
    EXPECT_EQ(test::connect_error(running.server_address), std::error_code{})
        << "the running server should still be reachable at " << path.string();
}

TEST(StaleSocket, LeavesARunningDatagramServerAlone) {
    test::TempDir dir;
    const fs::path path = dir / "datagrams.sock";
    ch02::UnixDatagramServer running{common::Address::unix_path(path.string()),
                                     ch02::handler<SayHello>()};
    ino_t before = inode_of(path);

    Outcome outcome = build(path);

    ASSERT_TRUE(refused_and_left_alone(
        outcome, path, before, "a UnixDatagramServer is running on the path",
        "A stream connection to a datagram socket fails with EPROTOTYPE (wrong type), not "
        "ECONNREFUSED: somebody is there. Only ECONNREFUSED means the file is stale."));
    test::DatagramClient client{running.server_address};
    client.send("still there?");
    common::Poller poller{running.fileno()};
    EXPECT_TRUE(poller.wait(test::default_timeout))
        << "a datagram sent to " << path.string() << " should still reach the running server";
}

TEST(StaleSocket, LeavesABusyServerAloneWithoutWaiting) {
    // A server whose listen queue is full: a blocking connect() to it waits
    // until the server accepts someone, which may be never.
    test::TempDir dir;
    const fs::path path = dir / "full.sock";
    ch02::UnixStreamServer busy{common::Address::unix_path(path.string()),
                                ch02::handler<SayHello>(), /*bind_and_activate=*/false};
    busy.request_queue_size = 0;  // room for one waiting connection
    busy.server_bind();
    busy.server_activate();
    test::Client waiting{busy.server_address};  // fills the queue
    ino_t before = inode_of(path);

    Outcome outcome;
    test::BackgroundCall call{[&] { outcome = build(path); }};
    bool returned = call.finishes_within(common::Seconds{3.0});
    if (!returned) {
        // Make room in the queue: the blocked connect() then completes.
        auto taken = busy.socket.accept();
        ASSERT_TRUE(call.finishes_within()) << "(building the server never returned)";
    }
    call.get();

    EXPECT_TRUE(returned)
        << "the server on the path has a full listen queue, and building a RestartableUnixServer "
           "there waited (3 s) until the test accepted a connection. A blocking connect() to a "
           "busy server waits for room: make the probe non-blocking (SOCK_NONBLOCK), and count "
           "EAGAIN as \"somebody is there\".";
    EXPECT_TRUE(refused_and_left_alone(
        outcome, path, before, "a UnixStreamServer with a full listen queue runs on the path",
        "A busy server is still a server: only ECONNREFUSED means the file is stale."));
}

TEST(StaleSocket, NeverRemovesAFileThatIsNotASocket) {
    test::TempDir dir;
    const fs::path path = dir / "notes.txt";
    std::ofstream{path} << "a file somebody needs\n";
    ino_t before = inode_of(path);

    Outcome outcome = build(path);

    EXPECT_TRUE(refused_and_left_alone(
        outcome, path, before, "the path names a regular file, not a socket",
        "Only a socket file can be stale; anything else is somebody's data (and connecting to "
        "it is refused too, so check the file's type first)."));
    if (fs::is_regular_file(path)) {
        std::ifstream in{path};
        std::stringstream content;
        content << in.rdbuf();
        EXPECT_EQ(content.str(), "a file somebody needs\n") << "the file's content must be intact";
    }
}

TEST(StaleSocket, LeaksNoDescriptor) {
    test::TempDir dir;
    const fs::path stale = dir / "stale.sock";
    const fs::path taken = dir / "taken.sock";
    ch02::UnixStreamServer running{common::Address::unix_path(taken.string()),
                                   ch02::handler<SayHello>(), /*bind_and_activate=*/false};
    running.request_queue_size = 128;  // room for every probe's connection: none waits
    running.server_bind();
    running.server_activate();
    std::size_t before = test::open_fd_count();

    leave_stale_socket_file(stale);
    for (int i = 0; i < 50; ++i) {
        // Each round replaces the file the previous round's server left.
        Outcome replaced = build(stale);
        ASSERT_TRUE(replaced.server) << "round " << i << ": replacing a stale socket file failed: "
                                     << replaced.what;
        replaced.server->server_close();
        Outcome refused = build(taken);
        ASSERT_FALSE(refused.server) << "round " << i << ": a server was built on the path of a "
                                                         "running server";
    }

    EXPECT_EQ(test::open_fd_count(), before)
        << "after 50 servers built over a stale socket file and 50 refused beside a running one, "
           "this process has more descriptors open than before: the probe socket must be closed "
           "in every case (a common::Socket closes itself when it goes out of scope).";
}

}  // namespace
