/// \file
/// \brief `line_bench`: what chapter 4's files cost, line by line, next to
/// raw `recv`/`send` in the same run.
///
/// Usage: `line_bench [--lines=N] [--round-trips=N] [--benchmark_...]`
///
/// Every benchmark runs an in-process ch04::TCPServer on a thread of its
/// own and talks to it over one loopback connection, in one of two modes:
/// - `round_trip`: send one short line, wait for its answer, again. What
///   one pass through the handler costs when the client waits for it.
/// - `pipelined`: `--lines` short lines (1,000,000 unless told) sent in
///   bulk by one client thread while another reads the answers; both run
///   at once, or the socket buffers would fill and everyone would wait.
///
/// The server's handler is one of four; all of them answer every line
/// with the same line upper-cased:
/// - `ceiling`: no files, no lines: `recv` up to 64 KiB, upper-case,
///   `send_all`. Nothing line by line can beat it.
/// - `wbufsize_0`: StreamRequestHandler with Python's `wbufsize` of 0,
///   `rfile.readline()` then `wfile.write()`: a `send` per line.
/// - `buffered_wfile`: the same handler with a 64 KiB `wfile`, flushed
///   only before the next readline() could wait (the chapter's demo).
/// - `rbufsize_0`: the `wbufsize_0` handler with an unbuffered `rfile`:
///   a `recv` per byte. Pipelined, it gets a fiftieth of the lines.
///
/// The three StreamRequestHandler variants run the very same handle(); only
/// their buffer sizes differ, so each differs from `wbufsize_0` by one
/// buffer. The table at the end gives each variant's median lines per
/// second and its ratio to the ceiling's median in the same mode and run.
/// Run it with `--benchmark_repetitions=N
/// --benchmark_enable_random_interleaving=true` (`./course bench ch04`
/// does) so that the variants take turns and a change in the machine's
/// load hits all of them alike.

#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <ctime>
#include <utility>
#include <vector>

#include "ch04/socketserver.hpp"
#include "common/address.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"
#include "common/text.hpp"

namespace {

using namespace sockserv;

constexpr std::string_view request_line = "hello world 123456\n";
constexpr std::string_view answer_line = "HELLO WORLD 123456\n";
constexpr std::size_t kib64 = 64 * 1024;

// quickack_note: the servers keep Nagle's algorithm, as Python's and the
// demo's do, so a small segment waits while an earlier one is not yet
// acknowledged. The client, which only reads once its sender is done,
// would delay that ACK by up to 40 ms: a timer, not work, as long as the
// ceiling's whole pipelined run, that struck about one run in three. So
// the pipelined client acknowledges at once after every recv.

// [ceiling-handler]
/// The ceiling: bytes in, bytes out, 64 KiB at a time. It never looks for
/// a line, so it answers a line as soon as any of it arrives.
class RawUpperCaseEcho : public ch04::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;

    void handle() override {
        std::vector<char> buffer(kib64);
        common::Socket& connection = request.socket();
        while (std::size_t n = connection.recv(buffer)) {
            common::ascii_upper({buffer.data(), n});
            connection.send_all({buffer.data(), n});
        }
    }
};
// [ceiling-handler]

// [line-handler]
/// The demo's handler, with the two buffer sizes as parameters.
template <long ReadBufferSize, long WriteBufferSize>
class LineUpperCaseEcho : public ch04::StreamRequestHandler {
public:
    LineUpperCaseEcho(ch04::Request& request, common::Address client_address,
                      ch04::BaseServer& server)
        : StreamRequestHandler(request, std::move(client_address), server) {
        rbufsize = ReadBufferSize;
        wbufsize = WriteBufferSize;
    }

    void handle() override {
        while (true) {
            std::string line = rfile.readline(kib64);
            if (line.empty()) {
                return;
            }
            common::ascii_upper(line);
            wfile.write(line);
            // With wbufsize 0 there is nothing to flush, and this costs no
            // system call: flush() of an empty buffer sends nothing.
            if (rfile.buffered().find('\n') == std::string_view::npos) {
                wfile.flush();
            }
        }
    }
};
// [line-handler]

struct Variant {
    const char* name;
    ch04::HandlerFactory factory;
    std::size_t pipelined_divisor;  // pipelined, it gets --lines divided by this
};

const std::vector<Variant>& variants() {
    static const std::vector<Variant> all{
        {"ceiling", ch04::handler<RawUpperCaseEcho>(), 1},
        {"wbufsize_0", ch04::handler<LineUpperCaseEcho<kib64, 0>>(), 1},
        {"buffered_wfile", ch04::handler<LineUpperCaseEcho<kib64, kib64>>(), 1},
        // A recv per byte: 19 system calls a line. A fiftieth of the lines
        // is plenty to see it, and keeps the run short.
        {"rbufsize_0", ch04::handler<LineUpperCaseEcho<0, 0>>(), 50},
    };
    return all;
}

/// A TCPServer on 127.0.0.1, port chosen by the kernel, serving on a thread
/// of its own until this object goes away. Close every client first: the
/// server serves one connection at a time, and shutdown() waits for it.
class ServerThread {
public:
    explicit ServerThread(const ch04::HandlerFactory& factory)
        : server_(common::Address::parse_inet("127.0.0.1:0"), factory),
          thread_([this] {
              pthread_setname_np(pthread_self(), "server");  // for perf and top
              try {
                  server_.serve_forever();
              } catch (const std::exception& error) {
                  std::cerr << "line_bench: serve_forever: " << error.what() << '\n';
              }
          }) {}
    ~ServerThread() {
        server_.shutdown();
        thread_.join();
    }
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    const common::Address& address() const { return server_.server_address; }

    /// \brief The CPU time the server's thread has used so far: what the
    /// handler costs, whatever else the machine is doing.
    double cpu_seconds() {
        clockid_t clock;
        timespec now{};
        if (pthread_getcpuclockid(thread_.native_handle(), &clock) != 0 ||
            clock_gettime(clock, &now) != 0) {
            return 0;
        }
        return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
    }

private:
    ch04::TCPServer server_;
    std::thread thread_;
};

common::Socket connect_to(const common::Address& server) {
    common::Socket client = common::Socket::open(server.family(), SOCK_STREAM);
    // A server that stops answering fails the run instead of hanging it.
    client.set_timeout(common::Seconds{10});
    client.connect(server);
    return client;
}

/// The two figures of every run: lines per second, as the client saw
/// them, and the server thread's CPU time per line.
void count(benchmark::State& state, double lines, double server_cpu_seconds) {
    state.counters["lines/s"] = benchmark::Counter(lines, benchmark::Counter::kIsRate);
    state.counters["server_ns/line"] = benchmark::Counter(server_cpu_seconds * 1e9 / lines);
}

void round_trip(benchmark::State& state, const Variant& variant) {
    ServerThread server{variant.factory};
    std::string failure;
    double server_cpu = 0;
    try {
        common::Socket client = connect_to(server.address());
        std::array<char, answer_line.size()> answer;
        server_cpu = -server.cpu_seconds();
        for (auto _ : state) {
            client.send_all(request_line);
            std::size_t have = 0;
            while (have < answer.size()) {
                std::size_t n = client.recv(std::span{answer}.subspan(have));
                if (n == 0) {
                    throw std::runtime_error("the server closed the connection");
                }
                have += n;
            }
            if (std::string_view{answer.data(), answer.size()} != answer_line) {
                throw std::runtime_error("wrong answer");
            }
        }
        server_cpu += server.cpu_seconds();  // the handler now waits for the next line
    } catch (const std::exception& error) {
        failure = error.what();
    }  // the client is closed: the handler reads the end of the stream and returns
    if (!failure.empty()) {
        state.SkipWithError(failure.c_str());
    }
    count(state, static_cast<double>(state.iterations()), server_cpu);
}

/// Sends \p lines copies of request_line, in pieces of about 64 KiB.
void send_lines(common::Socket& client, std::size_t lines) {
    constexpr std::size_t per_piece = kib64 / request_line.size();
    std::string piece;
    for (std::size_t i = 0; i < per_piece; ++i) {
        piece += request_line;
    }
    for (; lines >= per_piece; lines -= per_piece) {
        client.send_all(piece);
    }
    client.send_all(std::string_view{piece}.substr(0, lines * request_line.size()));
}

/// Reads the answers to \p lines lines and checks every byte of them.
void receive_answers(common::Socket& client, std::size_t lines) {
    // Every answer is answer_line again: the bytes expected at any offset
    // of the stream are a window of this, starting at offset % line size.
    std::string expected;
    while (expected.size() < kib64 + answer_line.size()) {
        expected += answer_line;
    }
    std::vector<char> buffer(kib64);
    const std::size_t total = lines * answer_line.size();
    std::size_t have = 0;
    while (have < total) {
        std::size_t n = client.recv({buffer.data(), std::min(buffer.size(), total - have)});
        if (n == 0) {
            throw std::runtime_error("the server closed the connection");
        }
        client.set_option(IPPROTO_TCP, TCP_QUICKACK, 1);  // see quickack_note; it does not stick
        if (std::memcmp(buffer.data(), expected.data() + have % answer_line.size(), n) != 0) {
            throw std::runtime_error("wrong answer");
        }
        have += n;
    }
}

void pipelined(benchmark::State& state, const Variant& variant, std::size_t lines) {
    ServerThread server{variant.factory};
    std::string failure;
    double server_cpu = 0;
    try {
        common::Socket client = connect_to(server.address());
        server_cpu = -server.cpu_seconds();
        for (auto _ : state) {
            std::string send_failure;
            std::thread sender([&] {
                try {
                    send_lines(client, lines);
                } catch (const std::exception& error) {
                    send_failure = error.what();
                }
            });
            try {
                receive_answers(client, lines);
            } catch (const std::exception& error) {
                failure = error.what();
                ::shutdown(client.fd(), SHUT_RDWR);  // a sender stuck in send() fails now
            }
            sender.join();
            if (failure.empty() && !send_failure.empty()) {
                failure = "sending: " + send_failure;
            }
            if (!failure.empty()) {
                break;
            }
        }
        server_cpu += server.cpu_seconds();
    } catch (const std::exception& error) {
        failure = error.what();  // connecting failed
    }
    if (!failure.empty()) {
        state.SkipWithError(failure.c_str());
    }
    count(state, static_cast<double>(state.iterations()) * static_cast<double>(lines), server_cpu);
}

/// Prints what Google Benchmark prints, and keeps each benchmark's figures
/// (the median of its repetitions) for the table at the end.
class Table : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            failed_ = failed_ || run.error_occurred;
            if (run.error_occurred) {
                continue;
            }
            Benchmark& benchmark = benchmarks_[run.run_name.function_name];
            for (const auto& [counter, value] : run.counters) {
                Figure& figure = benchmark[counter];
                if (run.aggregate_name == "median") {
                    figure.median = value.value;
                    figure.repetitions = static_cast<std::size_t>(run.repetitions);
                } else if (run.aggregate_name.empty()) {
                    figure.runs.push_back(value.value);
                }
            }
        }
    }

    /// The table: for each variant and mode, the median lines/s and its
    /// ratio to the ceiling's, and the server's CPU time per line and its
    /// multiple of the ceiling's.
    void print(const std::vector<std::string>& modes,
               const std::map<std::string, std::size_t>& lines) const {
        std::cout << "\nMedians of the repetitions, each variant beside the ceiling of its mode:\n"
                     "  ratio           lines/s as a fraction of the ceiling's (1.00: as fast as\n"
                     "                  raw recv/send); it moves with the machine's load\n"
                     "  server ns/line  CPU time of the server's thread per line, and its multiple\n"
                     "                  of the ceiling's: what the handler costs, whatever the load\n\n";
        std::cout << std::left << std::setw(16) << "variant" << std::setw(12) << "mode"
                  << std::right << std::setw(10) << "lines/run" << std::setw(6) << "runs"
                  << std::setw(14) << "lines/s" << std::setw(8) << "ratio" << std::setw(16)
                  << "server ns/line" << std::setw(8) << "x" << '\n';
        for (const std::string& mode : modes) {
            std::optional<double> ceiling = median(mode + "/ceiling", "lines/s");
            std::optional<double> ceiling_cpu = median(mode + "/ceiling", "server_ns/line");
            for (const Variant& variant : variants()) {
                std::string name = mode + "/" + variant.name;
                std::optional<double> rate = median(name, "lines/s");
                std::cout << std::left << std::setw(16) << variant.name << std::setw(12) << mode
                          << std::right << std::setw(10) << lines.at(name) << std::setw(6)
                          << repetitions(name);
                if (!rate) {
                    std::cout << std::setw(14) << "not run" << '\n';  // filtered out, or failed
                    continue;
                }
                std::cout << std::fixed << std::setw(14) << std::setprecision(0) << *rate
                          << std::setw(8) << std::setprecision(2);
                if (ceiling) {
                    std::cout << *rate / *ceiling;
                } else {
                    std::cout << "-";
                }
                if (std::optional<double> cpu = median(name, "server_ns/line")) {
                    std::cout << std::setw(16) << std::setprecision(0) << *cpu << std::setw(8)
                              << std::setprecision(1);
                    if (ceiling_cpu && *ceiling_cpu > 0) {
                        std::cout << *cpu / *ceiling_cpu;
                    } else {
                        std::cout << "-";
                    }
                }
                std::cout << '\n';
            }
        }
    }

    /// Whether a run went wrong (a wrong answer, a closed connection).
    [[nodiscard]] bool failed() const { return failed_; }

private:
    struct Figure {
        std::optional<double> median;  // Google Benchmark's, when it made one
        std::size_t repetitions = 0;   // how many runs that median is of
        std::vector<double> runs;      // the runs, when they were reported
    };
    using Benchmark = std::map<std::string, Figure>;  // by counter

    const Figure* find(const std::string& name, const std::string& counter) const {
        auto benchmark = benchmarks_.find(name);
        if (benchmark == benchmarks_.end()) {
            return nullptr;
        }
        auto figure = benchmark->second.find(counter);
        return figure == benchmark->second.end() ? nullptr : &figure->second;
    }

    std::size_t repetitions(const std::string& name) const {
        const Figure* figure = find(name, "lines/s");
        return figure == nullptr ? 0 : figure->runs.empty() ? figure->repetitions : figure->runs.size();
    }

    std::optional<double> median(const std::string& name, const std::string& counter) const {
        const Figure* figure = find(name, counter);
        if (figure == nullptr) {
            return std::nullopt;
        }
        if (figure->median) {
            return figure->median;
        }
        if (figure->runs.empty()) {
            return std::nullopt;
        }
        std::vector<double> sorted = figure->runs;
        std::sort(sorted.begin(), sorted.end());
        std::size_t middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    std::map<std::string, Benchmark> benchmarks_;
    bool failed_ = false;
};

/// Reads `--NAME=COUNT` into \p value; false if \p arg is not that flag.
bool count_flag(std::string_view arg, std::string_view name, std::size_t& value) {
    std::string prefix = "--" + std::string{name} + "=";
    if (!arg.starts_with(prefix)) {
        return false;
    }
    std::string_view digits = arg.substr(prefix.size());
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc{} || end != digits.data() + digits.size() || value == 0) {
        throw std::invalid_argument("--" + std::string{name} + " needs a positive count, got \"" +
                                    std::string{digits} + "\"");
    }
    return true;
}

constexpr std::string_view usage =
    "usage: line_bench [--lines=N] [--round-trips=N] [--benchmark_...]\n";

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view{argv[i]} == "--help" || std::string_view{argv[i]} == "-h") {
            std::cout << usage
                      << "Times chapter 4's StreamRequestHandler, line by line, against raw\n"
                         "recv/send on one loopback connection to an in-process TCPServer.\n"
                         "  --lines=N        lines per pipelined run (1000000; rbufsize_0 gets N/50)\n"
                         "  --round-trips=N  round trips per run (20000)\n"
                         "Google Benchmark's flags are accepted too; for a fair table use\n"
                         "--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true\n";
            return 0;
        }
    }
    benchmark::Initialize(&argc, argv);  // takes the --benchmark_ flags out of argv
    std::size_t lines = 1'000'000;
    std::size_t round_trips = 20'000;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (!count_flag(arg, "lines", lines) && !count_flag(arg, "round-trips", round_trips)) {
                throw std::invalid_argument("unknown argument " + std::string{arg});
            }
        }
    } catch (const std::invalid_argument& error) {
        std::cerr << "line_bench: " << error.what() << '\n' << usage;
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    // Fixed counts, not Google Benchmark's own choice: every repetition of
    // a variant does the same work, and the server starts once per run.
    std::map<std::string, std::size_t> lines_per_run;
    for (const Variant& variant : variants()) {
        std::string name = std::string{"round_trip/"} + variant.name;
        benchmark::RegisterBenchmark(name.c_str(), round_trip, std::cref(variant))
            ->Iterations(static_cast<benchmark::IterationCount>(round_trips))
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
        lines_per_run[name] = round_trips;
    }
    for (const Variant& variant : variants()) {
        std::string name = std::string{"pipelined/"} + variant.name;
        std::size_t count = std::max<std::size_t>(lines / variant.pipelined_divisor, 1);
        benchmark::RegisterBenchmark(name.c_str(), pipelined, std::cref(variant), count)
            ->Iterations(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
        lines_per_run[name] = count;
    }
    Table table;
    benchmark::RunSpecifiedBenchmarks(&table);
    table.print({"round_trip", "pipelined"}, lines_per_run);
    benchmark::Shutdown();
    return table.failed() ? 1 : 0;
}
