/// \file
/// \brief `echo_load`: how fast a chapter's demo serves, next to a
/// hand-written C server of the same model.
///
/// Usage: `echo_load [--benchmark_...] NAME=PROGRAM [NAME=PROGRAM ...]`
///
/// Each PROGRAM is started as its own process with `--bind 127.0.0.1:0`
/// and must keep the demo contract's first promise: print `listening on
/// HOST:PORT` once it is ready. The first one named is the yardstick: the
/// summary at the end gives every other server's time as a ratio of its
/// time, benchmark by benchmark. `./course bench` runs this with the C
/// server first and the chapters' demos after it.
///
/// Three loads, all from one client, because the synchronous servers serve
/// one client at a time whatever the load:
/// - `connection`: connect, send a line, half-close, read the answer to
///   the end, close. What a server costs per client: accept, the handler,
///   shutdown, close.
/// - `line`: one line and its answer over a connection kept open: the
///   cost of one pass through the handler's loop.
/// - `bulk_64KiB`: 64 KiB each way over a connection kept open: copying.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/socket.hpp"

extern char** environ;

namespace {

using sockserv::common::Address;
using sockserv::common::Seconds;
using sockserv::common::Socket;

/// A server program running as a child process, stopped with SIGTERM when
/// this object goes away.
class ServerProcess {
public:
    ServerProcess(std::string name, const std::string& program) : name_(std::move(name)) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) {
            throw std::system_error(errno, std::generic_category(), "pipe");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        std::array<std::string, 3> args{program, "--bind", "127.0.0.1:0"};
        char* argv[] = {args[0].data(), args[1].data(), args[2].data(), nullptr};
        int error = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        if (error != 0) {
            close(out[0]);
            throw std::system_error(error, std::generic_category(), "cannot start " + program);
        }
        address_ = read_address(out[0], program);
        close(out[0]);
    }
    ~ServerProcess() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    const std::string& name() const { return name_; }
    const Address& address() const { return address_; }

private:
    // The contract's first line: "listening on HOST:PORT".
    static Address read_address(int fd, const std::string& program) {
        std::string line;
        char c;
        while (read(fd, &c, 1) == 1 && c != '\n') {
            line += c;
        }
        constexpr std::string_view prefix = "listening on ";
        if (!line.starts_with(prefix)) {
            throw std::runtime_error(program + " did not say where it listens (got \"" + line +
                                     "\")");
        }
        return Address::parse_inet(line.substr(prefix.size()));
    }

    std::string name_;
    pid_t pid_ = -1;
    Address address_;
};

Socket connect_to(const Address& server) {
    Socket client = Socket::open(server.family(), SOCK_STREAM);
    client.set_timeout(Seconds{10});  // a server that stops answering fails the run, not hangs it
    client.connect(server);
    return client;
}

/// Reads exactly \p count bytes into \p buffer; false if the stream ended first.
bool recv_exactly(Socket& connection, std::span<char> buffer) {
    std::size_t have = 0;
    while (have < buffer.size()) {
        std::size_t n = connection.recv(buffer.subspan(have));
        if (n == 0) {
            return false;
        }
        have += n;
    }
    return true;
}

void connection(benchmark::State& state, const ServerProcess& server) {
    std::array<char, 64> reply;
    for (auto _ : state) {
        Socket client = connect_to(server.address());
        client.send_all("ping\n");
        client.shutdown(SHUT_WR);
        std::size_t have = 0;
        while (std::size_t n = client.recv(std::span{reply}.subspan(have))) {
            have += n;
        }
        if (std::string_view{reply.data(), have} != "PING\n") {
            state.SkipWithError("wrong answer");
            break;
        }
    }
}

void line(benchmark::State& state, const ServerProcess& server) {
    Socket client = connect_to(server.address());
    constexpr std::string_view request = "the quick brown fox jumps over the lazy dog\n";
    std::array<char, request.size()> reply;
    for (auto _ : state) {
        client.send_all(request);
        if (!recv_exactly(client, reply)) {
            state.SkipWithError("the server closed the connection");
            break;
        }
    }
}

void bulk(benchmark::State& state, const ServerProcess& server) {
    Socket client = connect_to(server.address());
    std::string request(64 * 1024, 'x');
    std::vector<char> reply(request.size());
    for (auto _ : state) {
        client.send_all(request);  // fits in the socket buffers: no deadlock with the echo
        if (!recv_exactly(client, reply)) {
            state.SkipWithError("the server closed the connection");
            break;
        }
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(request.size()));
}

/// Prints what Google Benchmark prints, and keeps each benchmark's time to
/// compare the servers afterwards (the median when repeated).
class Comparison : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            failed_ = failed_ || run.error_occurred;
            bool single = run.repetitions <= 1 && run.aggregate_name.empty();
            if (run.error_occurred || !(single || run.aggregate_name == "median")) {
                continue;
            }
            // "connection/ch03/median" -> load "connection", server "ch03"
            std::string name = run.run_name.function_name;
            auto slash = name.find('/');
            times_[name.substr(0, slash)][name.substr(slash + 1)] = run.GetAdjustedRealTime();
        }
    }

    void print_summary(const std::vector<std::string>& servers) const {
        const std::string& yardstick = servers.front();
        std::cout << "\nTime per operation, as a multiple of " << yardstick
                  << "'s (1.10 = 10% slower):\n";
        for (const auto& [load, by_server] : times_) {
            auto base = by_server.find(yardstick);
            if (base == by_server.end()) {
                continue;
            }
            std::cout << "  " << std::left << std::setw(12) << load;
            for (const std::string& server : servers) {
                if (auto it = by_server.find(server); it != by_server.end()) {
                    std::cout << "  " << server << " " << std::fixed << std::setprecision(2)
                              << it->second / base->second;
                }
            }
            std::cout << '\n';
        }
    }

    /// Whether a load went wrong (a wrong answer, a closed connection).
    [[nodiscard]] bool failed() const { return failed_; }

private:
    std::map<std::string, std::map<std::string, double>> times_;
    bool failed_ = false;
};

}  // namespace

constexpr std::string_view usage = "usage: echo_load [--benchmark_...] NAME=PROGRAM [NAME=PROGRAM ...]\n";

int main(int argc, char** argv) {
    // Our own usage first: Google Benchmark's --help would list only its flags.
    for (int i = 1; i < argc; ++i) {
        if (std::string_view{argv[i]} == "--help" || std::string_view{argv[i]} == "-h") {
            std::cout << usage
                      << "Starts each PROGRAM (an echo server that prints `listening on HOST:PORT`),\n"
                         "times the same loads against each, side by side, and prints the ratios.\n"
                         "Google Benchmark's flags (--benchmark_repetitions=N...) are accepted too.\n";
            return 0;
        }
    }
    benchmark::Initialize(&argc, argv);  // takes the --benchmark_ flags out of argv
    if (argc < 2) {
        std::cerr << "echo_load: no server given; " << usage;
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    std::vector<std::unique_ptr<ServerProcess>> servers;
    std::vector<std::string> names;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            auto equals = arg.find('=');
            if (equals == std::string_view::npos) {
                std::cerr << "echo_load: expected NAME=PROGRAM, got " << arg << '\n';
                return 2;
            }
            servers.push_back(std::make_unique<ServerProcess>(std::string{arg.substr(0, equals)},
                                                              std::string{arg.substr(equals + 1)}));
            names.push_back(servers.back()->name());
        }
    } catch (const std::exception& error) {
        std::cerr << "echo_load: " << error.what() << '\n';
        return 1;
    }
    // Loads outermost, servers inner: each load's numbers are taken close
    // together in time, so a change in the machine's load hits all alike.
    using Load = void (*)(benchmark::State&, const ServerProcess&);
    const std::pair<const char*, Load> loads[] = {
        {"connection", connection}, {"line", line}, {"bulk_64KiB", bulk}};
    for (auto [load, run] : loads) {
        for (const auto& server : servers) {
            std::string name = std::string{load} + "/" + server->name();
            benchmark::RegisterBenchmark(name.c_str(), run, std::cref(*server))
                ->UseRealTime();
        }
    }
    Comparison reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_summary(names);
    benchmark::Shutdown();
    return reporter.failed() ? 1 : 0;
}
