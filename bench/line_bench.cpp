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
/// The server's handler is one of five; all of them answer every line
/// with the same line upper-cased:
/// - `ceiling`: no files, no lines: `recv` up to 64 KiB, upper-case,
///   `send_all`. Nothing line by line can beat it.
/// - `wbufsize_0`: StreamRequestHandler with Python's `wbufsize` of 0,
///   `rfile.readline_into()` then `wfile.write()`: a `send` per line.
/// - `buffered_wfile`: the same handler with a 64 KiB `wfile`, flushed
///   only before the next read could wait: the chapter's demo.
/// - `buffered_readline`: `buffered_wfile` reading with `readline()`, a
///   new std::string per line, as Python's API returns a new bytes object.
/// - `rbufsize_0`: the `wbufsize_0` handler with an unbuffered `rfile`:
///   a `recv` per byte. Pipelined, it gets a fiftieth of the lines.
///
/// The four StreamRequestHandler variants run the very same handle(); each
/// differs from `wbufsize_0` or `buffered_wfile` in one thing.
///
/// Every benchmark runs `--rounds` times (20), all of them in turns, so
/// that a change in the machine's load hits every variant alike. The table
/// at the end gives, per variant, the median lines per second and its
/// ratio to the ceiling's in the same round, and the CPU time the server's
/// thread spent per line, which the machine's load hardly moves.
/// `./course bench ch04` runs it.

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
#include <cmath>
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
/// The demo's handler, with the two buffer sizes as parameters. With
/// NewString, it reads as Python's readline() does, each line into a new
/// std::string: a line longer than the string's inline space (15 bytes in
/// libstdc++) then costs a malloc() and a free().
template <long ReadBufferSize, long WriteBufferSize, bool NewString = false>
class LineUpperCaseEcho : public ch04::StreamRequestHandler {
public:
    LineUpperCaseEcho(ch04::Request& request, common::Address client_address,
                      ch04::BaseServer& server)
        : StreamRequestHandler(request, std::move(client_address), server) {
        rbufsize = ReadBufferSize;
        wbufsize = WriteBufferSize;
    }

    void handle() override {
        std::string line;
        while (next_line(line)) {
            common::ascii_upper(line);
            wfile.write(line);
            // With wbufsize 0 there is nothing to flush, and this costs no
            // system call: flush() of an empty buffer sends nothing.
            if (rfile.buffered().find('\n') == std::string_view::npos) {
                wfile.flush();
            }
        }
    }

private:
    bool next_line(std::string& line) {
        if constexpr (NewString) {
            line = rfile.readline(kib64);  // the old string's memory goes, a new one comes
            return !line.empty();
        } else {
            return rfile.readline_into(line, kib64);  // reuses line's memory
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
        {"buffered_readline", ch04::handler<LineUpperCaseEcho<kib64, kib64, true>>(), 1},
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
    client.set_timeout(common::Seconds{5});
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

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

/// Keeps every run's figures, by round, for the table at the end. Prints
/// Google Benchmark's line for each run only when asked to (there are
/// 200 of them), and always for a run that went wrong; otherwise a dot.
class Table : public benchmark::ConsoleReporter {
public:
    explicit Table(bool show_runs) : show_runs_(show_runs) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        bool wrong = std::any_of(runs.begin(), runs.end(),
                                 [](const Run& run) { return run.error_occurred; });
        if (show_runs_ || wrong) {
            if (!show_runs_) {
                std::cout << '\n';  // after the dots
            }
            ConsoleReporter::ReportRuns(runs);
        } else {
            std::cout << '.' << std::flush;
        }
        for (const Run& run : runs) {
            failed_ = failed_ || run.error_occurred;
            if (run.error_occurred || !run.aggregate_name.empty()) {
                continue;
            }
            // "pipelined/ceiling/round:3" -> benchmark "pipelined/ceiling", round 3
            const std::string& name = run.run_name.function_name;
            std::size_t slash = name.rfind("/round:");
            std::size_t round = std::stoul(name.substr(slash + 7));
            for (const auto& [counter, value] : run.counters) {
                figures_[name.substr(0, slash)][counter][round].push_back(value.value);
            }
        }
    }

    /// The table: for each variant and mode, the median lines/s and server
    /// CPU per line, each beside the ceiling's of the same round.
    void print(const std::vector<std::string>& modes,
               const std::map<std::string, std::size_t>& lines) const {
        std::cout << "\n\nMedians over the rounds; each variant is compared with the ceiling of its\n"
                     "mode in the same round, a few seconds apart:\n"
                     "  ratio           lines/s as a fraction of the ceiling's (1.00: as fast as\n"
                     "                  raw recv/send); it moves with the machine's load\n"
                     "  server ns/line  CPU time of the server's thread per line, and x, its\n"
                     "                  multiple of the ceiling's: what the handler costs,\n"
                     "                  whatever else the machine is doing\n\n";
        std::cout << std::left << std::setw(19) << "variant" << std::setw(12) << "mode"
                  << std::right << std::setw(10) << "lines/run" << std::setw(6) << "runs"
                  << std::setw(14) << "lines/s" << std::setw(8) << "ratio" << std::setw(16)
                  << "server ns/line" << std::setw(8) << "x" << '\n';
        for (const std::string& mode : modes) {
            for (const Variant& variant : variants()) {
                std::string name = mode + "/" + variant.name;
                std::cout << std::left << std::setw(19) << variant.name << std::setw(12) << mode
                          << std::right << std::setw(10) << lines.at(name);
                const Rounds* rates = find(name, "lines/s");
                if (rates == nullptr) {
                    std::cout << std::setw(6) << 0 << std::setw(14) << "not run" << '\n';
                    continue;
                }
                double ratio = against_ceiling(mode, name, "lines/s");
                std::cout << std::setw(6) << all(*rates).size() << std::fixed << std::setw(14)
                          << std::setprecision(0) << median_of(all(*rates)) << std::setw(8)
                          << std::setprecision(ratio < 0.095 ? 3 : 2) << ratio << std::setw(16)
                          << std::setprecision(0);
                if (const Rounds* cpu = find(name, "server_ns/line")) {
                    std::cout << median_of(all(*cpu)) << std::setw(8) << std::setprecision(1)
                              << against_ceiling(mode, name, "server_ns/line");
                }
                std::cout << '\n';
            }
        }
    }

    /// Whether a run went wrong (a wrong answer, a closed connection).
    [[nodiscard]] bool failed() const { return failed_; }

private:
    using Rounds = std::map<std::size_t, std::vector<double>>;  // a counter's values, by round

    const Rounds* find(const std::string& name, const std::string& counter) const {
        auto benchmark = figures_.find(name);
        if (benchmark == figures_.end()) {
            return nullptr;
        }
        auto rounds = benchmark->second.find(counter);
        return rounds == benchmark->second.end() ? nullptr : &rounds->second;
    }

    static std::vector<double> all(const Rounds& rounds) {
        std::vector<double> values;
        for (const auto& [round, in_round] : rounds) {
            values.insert(values.end(), in_round.begin(), in_round.end());
        }
        return values;
    }

    /// The median, over the rounds that ran both, of the variant's figure
    /// divided by the ceiling's; NaN when there is no such round.
    double against_ceiling(const std::string& mode, const std::string& name,
                           const std::string& counter) const {
        const Rounds* variant = find(name, counter);
        const Rounds* ceiling = find(mode + "/ceiling", counter);
        std::vector<double> ratios;
        if (variant != nullptr && ceiling != nullptr) {
            for (const auto& [round, values] : *variant) {
                auto base = ceiling->find(round);
                if (base != ceiling->end() && median_of(base->second) > 0) {
                    ratios.push_back(median_of(values) / median_of(base->second));
                }
            }
        }
        return ratios.empty() ? std::nan("") : median_of(ratios);
    }

    // benchmark ("pipelined/ceiling") -> counter ("lines/s") -> round -> values
    std::map<std::string, std::map<std::string, Rounds>> figures_;
    bool show_runs_;
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
    "usage: line_bench [--lines=N] [--round-trips=N] [--rounds=N] [--each-run] [--benchmark_...]\n";

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view{argv[i]} == "--help" || std::string_view{argv[i]} == "-h") {
            std::cout << usage
                      << "Times chapter 4's StreamRequestHandler, line by line, against raw\n"
                         "recv/send on one loopback connection to an in-process TCPServer.\n"
                         "  --lines=N        lines per pipelined run (1000000; rbufsize_0 gets N/50)\n"
                         "  --round-trips=N  round trips per run (10000)\n"
                         "  --rounds=N       how many times every benchmark runs, in turns (20)\n"
                         "  --each-run       print Google Benchmark's line for every run\n"
                         "Google Benchmark's flags are accepted too (--benchmark_filter=pipelined).\n";
            return 0;
        }
    }
    benchmark::Initialize(&argc, argv);  // takes the --benchmark_ flags out of argv
    std::size_t lines = 1'000'000;
    std::size_t round_trips = 10'000;
    std::size_t rounds = 20;
    bool each_run = false;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg == "--each-run") {
                each_run = true;
                continue;
            }
            if (!count_flag(arg, "lines", lines) && !count_flag(arg, "round-trips", round_trips) &&
                !count_flag(arg, "rounds", rounds)) {
                throw std::invalid_argument("unknown argument " + std::string{arg});
            }
        }
    } catch (const std::invalid_argument& error) {
        std::cerr << "line_bench: " << error.what() << '\n' << usage;
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    // Fixed counts, not Google Benchmark's own choice: every run of a
    // variant does the same work, and the server starts once per run.
    struct Benchmark {
        std::string name;
        std::function<void(benchmark::State&)> run;
        benchmark::IterationCount iterations;
        benchmark::TimeUnit unit;  // of the time per iteration Google Benchmark prints
    };
    std::vector<Benchmark> benchmarks;
    std::map<std::string, std::size_t> lines_per_run;
    for (const Variant& variant : variants()) {
        std::string name = std::string{"round_trip/"} + variant.name;
        benchmarks.push_back({name, [&variant](benchmark::State& state) { round_trip(state, variant); },
                              static_cast<benchmark::IterationCount>(round_trips),
                              benchmark::kMicrosecond});
        lines_per_run[name] = round_trips;
    }
    for (const Variant& variant : variants()) {
        std::string name = std::string{"pipelined/"} + variant.name;
        std::size_t count = std::max<std::size_t>(lines / variant.pipelined_divisor, 1);
        benchmarks.push_back(
            {name, [&variant, count](benchmark::State& state) { pipelined(state, variant, count); }, 1,
             benchmark::kMillisecond});
        lines_per_run[name] = count;
    }
    // Every benchmark once per round, in turns, so that a change in the
    // machine's load hits all of them alike; every other round backwards,
    // so that none always runs first, right after a server was torn down.
    for (std::size_t round = 1; round <= rounds; ++round) {
        for (std::size_t i = 0; i < benchmarks.size(); ++i) {
            const Benchmark& next = benchmarks[round % 2 == 1 ? i : benchmarks.size() - 1 - i];
            std::string name = next.name + "/round:" + std::to_string(round);
            benchmark::RegisterBenchmark(name.c_str(), next.run)
                ->Iterations(next.iterations)
                ->UseRealTime()
                ->Unit(next.unit);
        }
    }
    Table table{each_run};
    std::cout << "line_bench: " << rounds << " rounds of " << benchmarks.size()
              << " benchmarks, a dot per run (--each-run shows them)\n";
    benchmark::RunSpecifiedBenchmarks(&table);
    table.print({"round_trip", "pipelined"}, lines_per_run);
    benchmark::Shutdown();
    return table.failed() ? 1 : 0;
}
