// Part 0's plain echo server (common/examples/plain_echo_server.cpp), run
// as a program and judged by what a client, a shell and a signal observe:
// the line it prints, the bytes it sends back, how it reports a bad
// command line, and how it stops.
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "child_process.hpp"
#include "common/address.hpp"
#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/printable.hpp"
#include "support/probe.hpp"

namespace {

using namespace sockserv;
using test::ChildProcess;
using test::default_timeout;
using test::printable;

// The program under test; CMake passes the plain build to the plain test
// program and the sanitized build to its _asan twin.
const std::string server_program = CH00_PLAIN_ECHO_SERVER;

// A server started with \p arguments, which the test expects to listen.
struct Running {
    explicit Running(std::vector<std::string> arguments) : process{with_program(arguments)} {
        std::optional<std::string> line = process.stdout_line(default_timeout);
        if (!line) {
            throw std::runtime_error("expected the line 'listening on ADDRESS' on stdout, but "
                                     "stdout ended or stayed silent; stderr said: " +
                                     printable(process.stderr_text(common::Seconds{1}), 300));
        }
        listening_line = *line;
        const std::string prefix = "listening on ";
        if (!listening_line.starts_with(prefix)) {
            throw std::runtime_error("expected 'listening on ADDRESS', got " +
                                     printable(listening_line));
        }
        address = common::Address::parse_inet(listening_line.substr(prefix.size()));
    }

    static std::vector<std::string> with_program(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), server_program);
        return arguments;
    }

    // Sends \p signal and expects a clean exit with status 0 and nothing
    // more on stdout.
    void stop_with(int signal) {
        process.signal(signal);
        std::optional<int> status = process.wait(default_timeout);
        ASSERT_TRUE(status) << "the server was still running " << default_timeout.count()
                            << " s after " << ::sigabbrev_np(signal);
        EXPECT_EQ(*status, 0) << "exit status after SIG" << ::sigabbrev_np(signal)
                              << "; stderr: " << printable(process.stderr_text(common::Seconds{1}), 300);
        EXPECT_EQ(process.stdout_rest(common::Seconds{1}), "")
            << "nothing but the 'listening on' line belongs on stdout";
    }

    ChildProcess process;
    std::string listening_line;
    common::Address address;
};

// What a program run with \p arguments did, when it is expected to exit.
struct Finished {
    int status = -1;
    std::string out;
    std::string err;
};

Finished run_to_exit(std::vector<std::string> arguments) {
    ChildProcess process{Running::with_program(std::move(arguments))};
    std::optional<int> status = process.wait(default_timeout);
    if (!status) {
        throw std::runtime_error("expected the program to exit at once, but it was still running "
                                 "after " + std::to_string(default_timeout.count()) + " s");
    }
    return {*status, process.stdout_rest(common::Seconds{1}), process.stderr_text(common::Seconds{1})};
}

TEST(PlainEchoServer, PrintsTheAddressItListensOn) {
    Running server{{"--bind", "127.0.0.1:0"}};
    EXPECT_EQ(server.address.host(), "127.0.0.1") << "from the line " << server.listening_line;
    EXPECT_NE(server.address.port(), 0)
        << "port 0 asks the OS for a port; the line must show the one it chose (getsockname): "
        << server.listening_line;
    server.stop_with(SIGTERM);
}

TEST(PlainEchoServer, AnswersEveryLineUpperCased) {
    Running server{{"--bind", "127.0.0.1:0"}};
    {
        test::Client client{server.address};
        client.send("hello, world\n");
        EXPECT_TRUE(test::same_reply(client.recv_line(), "HELLO, WORLD\n"));
        const std::string binary = std::string{"\0\x01\xff mixed Case\n", 15};
        client.send(binary);
        EXPECT_TRUE(test::same_reply(client.recv_line(), test::upper_copy(binary)))
            << "bytes other than ASCII letters, NUL included, come back unchanged";
        client.send("last, without a newline");
        client.close_write();
        EXPECT_TRUE(test::same_reply(client.recv_until_eof(), "LAST, WITHOUT A NEWLINE"))
            << "once the client closes its side, the server answers what is left and closes";
    }
    test::Client next{server.address};
    next.send("next client\n");
    EXPECT_TRUE(test::same_reply(next.recv_line(), "NEXT CLIENT\n"))
        << "after one client leaves, the next one is served";
    next.close_write();
    EXPECT_TRUE(next.at_eof());
    server.stop_with(SIGTERM);
}

TEST(PlainEchoServer, ListensOnIPv6) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine cannot bind ::1";
    }
    Running server{{"--bind", "[::1]:0"}};
    EXPECT_TRUE(server.listening_line.starts_with("listening on [::1]:"))
        << "an IPv6 address is printed in brackets: " << server.listening_line;
    test::Client client{server.address};
    client.send("over ipv6\n");
    EXPECT_TRUE(test::same_reply(client.recv_line(), "OVER IPV6\n"));
    client.close_write();
    EXPECT_TRUE(client.at_eof());
    server.stop_with(SIGINT);
}

TEST(PlainEchoServer, SendsBackManyMegabytesWhole) {
    // More than the socket buffers of both sides hold: the server's send()
    // blocks while the client is still sending, and every byte must come
    // back, in order.
    Running server{{"--bind", "127.0.0.1:0"}};
    std::string data(8 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<char>('a' + i % 26);
    }
    test::Client client{server.address};
    test::BackgroundCall sending{[&] {
        client.send(data);
        client.close_write();
    }};
    std::string echoed = client.recv_until_eof();
    sending.get();
    EXPECT_EQ(echoed.size(), data.size());
    EXPECT_TRUE(echoed == test::upper_copy(data)) << "the 8 MiB came back changed";
    server.stop_with(SIGTERM);
}

TEST(PlainEchoServer, SurvivesAClientThatVanishes) {
    // The client sends a lot and resets the connection without reading:
    // the server's next send() or recv() fails with ECONNRESET. The server
    // drops that client and serves the next one.
    Running server{{"--bind", "127.0.0.1:0"}};
    {
        test::Client rude{server.address};
        rude.send(std::string(1 << 20, 'x'));
        rude.reset();
    }
    test::Client next{server.address};
    next.send("still there?\n");
    EXPECT_TRUE(test::same_reply(next.recv_line(), "STILL THERE?\n"))
        << "a client that vanished must not stop the server";
    next.close_write();
    EXPECT_TRUE(next.at_eof());
    server.stop_with(SIGTERM);
}

TEST(PlainEchoServer, ASignalLetsTheClientInProgressFinish) {
    Running server{{"--bind", "127.0.0.1:0"}};
    test::Client client{server.address};
    client.send("first\n");
    ASSERT_TRUE(test::same_reply(client.recv_line(), "FIRST\n"));
    // The server answered and went back to recv() for this client: the
    // signal must interrupt that recv(), not arrive before it.
    ASSERT_TRUE(server.process.wait_until_in_syscall({SYS_recvfrom}, default_timeout))
        << "the server was never seen waiting in recv() for the client's next line";
    server.process.signal(SIGINT);
    // Delivered, and the interrupted recv() called again, before the next
    // line is sent: arriving data would otherwise beat the signal to it.
    ASSERT_TRUE(server.process.wait_until_delivered(SIGINT, default_timeout))
        << "SIGINT was still pending in the server";
    ASSERT_TRUE(server.process.wait_until_in_syscall({SYS_recvfrom}, default_timeout))
        << "after SIGINT the server was no longer waiting in recv() for the client in progress";
    client.send("second\n");
    EXPECT_TRUE(test::same_reply(client.recv_line(), "SECOND\n"))
        << "SIGINT must not cut off the client being served";
    client.close_write();
    EXPECT_TRUE(client.at_eof());
    std::optional<int> status = server.process.wait(default_timeout);
    ASSERT_TRUE(status) << "the client has left: the server should have stopped after SIGINT";
    EXPECT_EQ(*status, 0);
}

TEST(PlainEchoServer, HelpPrintsUsageAndExitsZero) {
    Finished run = run_to_exit({"--help"});
    EXPECT_EQ(run.status, 0);
    EXPECT_TRUE(run.out.starts_with("usage: ch00_plain_echo_server")) << printable(run.out);
    EXPECT_EQ(run.err, "");
}

TEST(PlainEchoServer, ABadCommandLineIsOneLineOnStderrAndStatusTwo) {
    const std::vector<std::vector<std::string>> bad = {
        {"--nonsense"},         {"--bind"},
        {"--bind", "nowhere"},  {"--bind", ":80"},
        {"--bind", "::1:80"},   {"--bind", "127.0.0.1:65536"},
        {"--bind", "127.0.0.1:8o"},
    };
    for (const auto& arguments : bad) {
        std::string shown;
        for (const std::string& argument : arguments) {
            shown += ' ' + argument;
        }
        Finished run = run_to_exit(arguments);
        EXPECT_EQ(run.status, 2) << "for" << shown;
        EXPECT_EQ(run.out, "") << "for" << shown;
        EXPECT_TRUE(run.err.starts_with("ch00_plain_echo_server: ") && run.err.ends_with("\n") &&
                    run.err.find('\n') == run.err.size() - 1)
            << "for" << shown << ", expected one line on stderr naming the program, got "
            << printable(run.err, 300);
    }
}

TEST(PlainEchoServer, AnAddressInUseIsStatusOne) {
    common::Socket taken = common::Socket::open(AF_INET, SOCK_STREAM);
    taken.bind(test::loopback_any_port());
    taken.listen(1);
    Finished run = run_to_exit({"--bind", taken.local_address().to_string()});
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("cannot bind " + taken.local_address().to_string() +
                           ": Address already in use"),
              std::string::npos)
        << printable(run.err, 300);
}

}  // namespace
