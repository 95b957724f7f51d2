/// \file
/// \brief `thread_load`: many clients at once against servers that serve
/// them side by side, taken in turns, with the servers' CPU time.
///
/// Usage: `thread_load [--clients=N] [--rounds=N] [--seconds=S] [--load=L[:N],...] [--each-run]
/// [--data=FILE] --tcp [GROUP/]NAME=COMMAND ... [--unix [GROUP/]NAME=COMMAND ...]`
///
/// Each COMMAND (a program and its arguments, split at spaces) is started
/// anew for each load with `--bind 127.0.0.1:0` (`--tcp`) or `--bind
/// DIR/FILE.sock` (`--unix`, DIR a fresh temporary folder) appended, and must print
/// `listening on ADDRESS` once it is ready, as the demos do. Two kinds of
/// load, each with `--clients` client threads (8) that go as fast as the
/// answers come:
/// - `connection`: connect, send a line, half-close, read the answer to
///   the end, close. A thread (or a process) started and ended per
///   request: what the thread-per-request and process-per-request models cost.
/// - `persistent`: a connection per client, opened before the clock
///   starts, and one line and its answer after another over it.
///
/// `--load` names the loads to run, in order (`connection,persistent` by
/// default); `connection:1` is that load with one client instead of
/// `--clients` (chapter 6 runs `connection:1,connection:8,persistent:8`).
///
/// Each load runs `--rounds` times (20), every server once per round for
/// `--seconds` (0.5), in turns (A B C, B C A, C A B...), so that a change
/// in the machine's load hits every server alike. The table gives per server the
/// median over the rounds of its requests per second and of its CPU time
/// per request, and the ratio of each to every other server's in the same
/// round (the median of the rounds' ratios). A server's CPU time is read
/// from /proc/PID/stat before and after each run: utime + stime of its
/// whole process, every thread, and cutime + cstime, its children's, which
/// the kernel adds there when the server collects them with wait (a
/// forking server's requests); so each run's figures are read once the
/// server has no child left. `./course bench ch05` runs it with the
/// hand-written C server first, chapter 5's demo, and CPython; `./course
/// bench ch06` the same for chapter 6's Forking servers.
///
/// Servers named GROUP/NAME are compared only with the others of their
/// group: `./course bench` (every model side by side) runs TCPServer/c,
/// TCPServer/ch06, TCPServer/cpython, ThreadingTCPServer/c, and so on.
///
/// `--data=FILE` writes the medians for gnuplot too: a line per family
/// (or group) and load, the requests per second of every server, then their CPU
/// microseconds per request (bench/results/plot.gp and loads.gp draw it).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iterator>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/address.hpp"

extern char** environ;

namespace {

using sockserv::common::Address;
using Clock = std::chrono::steady_clock;

/// How long any one wait may last: a server that stops answering fails
/// the run instead of hanging it.
constexpr int limit_seconds = 10;

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// The text of a /proc file, or nothing when it cannot be read: the
/// process it describes may end between the listing and the read (and
/// std::ifstream throws, reading a file whose process has gone).
std::optional<std::string> read_proc_file(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::string text;
    char buffer[1024];
    ssize_t n = 0;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    if (n < 0) {
        return std::nullopt;
    }
    return text;
}

/// A server program running as a child process, stopped with SIGTERM (then
/// SIGKILL if it does not end within the limit) when this object goes away.
class ServerProcess {
public:
    ServerProcess(std::string name, std::vector<std::string> command, const std::string& bind)
        : name_(std::move(name)) {
        command.push_back("--bind");
        command.push_back(bind);
        std::vector<char*> argv;
        for (std::string& arg : command) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) {
            fail("pipe");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        int error = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        if (error != 0) {
            close(out[0]);
            throw std::system_error(error, std::generic_category(), "cannot start " + command[0]);
        }
        std::string line = read_line(out[0]);
        close(out[0]);
        constexpr std::string_view prefix = "listening on ";
        if (!line.starts_with(prefix)) {
            stop();
            throw std::runtime_error(name_ + ": " + command[0] +
                                     " did not say where it listens (got \"" + line + "\")");
        }
        std::string where = line.substr(prefix.size());
        address_ = where.starts_with('/') ? Address::unix_path(where) : Address::parse_inet(where);
    }
    ~ServerProcess() { stop(); }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    const std::string& name() const { return name_; }
    const Address& address() const { return address_; }

    /// utime + stime of every thread of the process, ended ones included,
    /// plus cutime + cstime, the same of every child process it has
    /// collected with wait (a forking server's requests), in seconds.
    double cpu_seconds() const {
        std::string text = read_proc_file("/proc/" + std::to_string(pid_) + "/stat").value_or("");
        // After the command's name, which is in parentheses and may hold spaces.
        auto close = text.rfind(')');
        if (close == std::string::npos) {
            throw std::runtime_error(name_ + " has ended: no /proc/PID/stat");
        }
        std::istringstream fields(text.substr(close + 2));
        std::string field;
        // Fields 3 to 13 (state ... cmajflt), then utime (14), stime (15),
        // cutime (16) and cstime (17).
        for (int i = 3; i <= 13; ++i) {
            fields >> field;
        }
        unsigned long long utime = 0;
        unsigned long long stime = 0;
        long long cutime = 0;
        long long cstime = 0;
        fields >> utime >> stime >> cutime >> cstime;
        return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK)) +
               static_cast<double>(cutime + cstime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }

    /// Waits until the server has collected every child process it made:
    /// a child's CPU time reaches the parent's cutime and cstime only then.
    /// A forking server collects its children on its own schedule (the
    /// demo on each pass of its loop, at least every poll interval), so
    /// the figures are read once there is none left, at most the limit
    /// later; a server that keeps a zombie longer fails the run. There is
    /// no event to wait on for another process's child: the processes are
    /// looked at every 2 ms.
    void wait_until_children_collected() const {
        auto deadline = Clock::now() + std::chrono::seconds{limit_seconds};
        while (has_children()) {
            if (Clock::now() > deadline) {
                throw std::runtime_error(name_ + " has not collected its children within " +
                                         std::to_string(limit_seconds) + " s");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{2});
        }
    }

private:
    // Whether the process has a child, ended or not: a process whose
    // parent (field 4 of /proc/PID/stat) it is. Every process is looked
    // at: /proc/PID/task/TID/children, the kernel's own list, is missing
    // from kernels built without CONFIG_PROC_CHILDREN.
    bool has_children() const {
        if (kill(pid_, 0) != 0) {
            throw std::runtime_error(name_ + " has ended");
        }
        std::error_code error;
        // increment(error), not ++: nothing here may throw for a process that ends meanwhile.
        for (std::filesystem::directory_iterator it("/proc", error), end; !error && it != end;
             it.increment(error)) {
            const auto& entry = *it;
            const std::string name = entry.path().filename().string();
            if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
                continue;
            }
            std::string text = read_proc_file(entry.path() / "stat").value_or("");
            auto close = text.rfind(')');
            if (close == std::string::npos) {
                continue;  // ended meanwhile
            }
            std::istringstream fields(text.substr(close + 2));
            std::string state;
            pid_t parent = 0;
            if (fields >> state >> parent && parent == pid_) {
                return true;
            }
        }
        if (error) {
            throw std::system_error(error, "/proc");
        }
        return false;
    }

    // The contract's first line, waited for no longer than the limit.
    std::string read_line(int fd) {
        std::string line;
        auto deadline = Clock::now() + std::chrono::seconds{limit_seconds};
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd ready{fd, POLLIN, 0};
            if (left.count() <= 0 || poll(&ready, 1, static_cast<int>(left.count())) == 0) {
                return line + " ... (no whole line within " + std::to_string(limit_seconds) + " s)";
            }
            char c;
            if (read(fd, &c, 1) != 1 || c == '\n') {
                return line;
            }
            line += c;
        }
    }

    // SIGTERM, then wait for the end through a pidfd, with a limit; SIGKILL after it.
    void stop() noexcept {
        if (pid_ <= 0) {
            return;
        }
        int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
        kill(pid_, SIGTERM);
        if (pidfd >= 0) {
            pollfd ended{pidfd, POLLIN, 0};
            if (poll(&ended, 1, limit_seconds * 1000) == 0) {
                std::cerr << "thread_load: " << name_ << " did not stop on SIGTERM within "
                          << limit_seconds << " s: killed\n";
                kill(pid_, SIGKILL);
            }
            close(pidfd);
        }
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    std::string name_;
    pid_t pid_ = -1;
    Address address_;
};

/// A client socket, connected, whose every call waits no longer than the limit.
class Client {
public:
    explicit Client(const Address& server) : fd_(socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) {
            fail("socket");
        }
        timeval limit{limit_seconds, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);  // connect() too
        while (connect(fd_, server.data(), server.size()) != 0) {
            if (errno != EINTR) {
                int error = errno;
                close(fd_);
                errno = error;
                fail("connect");
            }
        }
    }
    ~Client() { close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send_all(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                fail("send");
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    /// Reads until \p answer is full, or to the end of the stream when
    /// \p to_end; returns how many bytes came (more than answer.size() means
    /// too many).
    std::size_t receive(std::span<char> answer, bool to_end) {
        std::size_t have = 0;
        char extra[64];
        for (;;) {
            if (!to_end && have == answer.size()) {
                return have;
            }
            std::span<char> room = have < answer.size()
                                       ? answer.subspan(have)
                                       : std::span<char>{extra, sizeof extra};
            ssize_t n = recv(fd_, room.data(), room.size(), 0);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                fail("recv");
            }
            if (n == 0) {
                return have;
            }
            have += static_cast<std::size_t>(n);
        }
    }

    void shutdown_write() {
        if (shutdown(fd_, SHUT_WR) != 0) {
            fail("shutdown");
        }
    }

private:
    int fd_;
};

constexpr std::string_view request = "the quick brown fox jumps over the lazy dog\n";
constexpr std::string_view answer = "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG\n";

enum class Load { connection, persistent };

/// What one client thread did in one run.
struct ClientResult {
    std::uint64_t requests = 0;
    bool answered_in_time = false;  // an answer came before the clock stopped
    std::string error;  // empty: every answer was right
};

void check(std::span<const char> got, std::size_t size) {
    if (size != answer.size() || std::string_view{got.data(), answer.size()} != answer) {
        throw std::runtime_error("wrong answer (" + std::to_string(size) + " bytes)");
    }
}

/// One client thread's run: waits for \p go, then makes requests until \p stop.
void client_thread(Load load, const Address& server, const std::atomic<bool>& go,
                   const std::atomic<bool>& stop, std::atomic<int>& ready, ClientResult& result) {
    std::array<char, answer.size()> got;
    std::unique_ptr<Client> kept;
    try {
        if (load == Load::persistent) {
            kept = std::make_unique<Client>(server);
        }
    } catch (const std::exception& error) {
        result.error = error.what();
    }
    ready.fetch_add(1);
    ready.notify_one();
    go.wait(false);
    if (!result.error.empty()) {
        return;
    }
    try {
        while (!stop.load(std::memory_order_relaxed)) {
            if (load == Load::connection) {
                Client client(server);
                client.send_all(request);
                client.shutdown_write();
                check(got, client.receive(got, true));
            } else {
                kept->send_all(request);
                check(got, kept->receive(got, false));
            }
            ++result.requests;
            // A server that serves one connection at a time answers the
            // other persistent clients only once the first has closed,
            // after the clock has stopped: the table says so.
            result.answered_in_time = result.answered_in_time || !stop.load(std::memory_order_relaxed);
        }
    } catch (const std::exception& error) {
        result.error = error.what();
    }
}

/// One run: every client against one server for a while.
struct Run {
    std::uint64_t requests = 0;
    double seconds = 0;
    double cpu_seconds = 0;
    int clients_answered = 0;  // clients that had an answer before the clock stopped
};

Run run_once(Load load, const ServerProcess& server, int clients, double seconds) {
    // The last run's children all counted before this one's figures begin
    // (and before this one's persistent clients make children of their own).
    server.wait_until_children_collected();
    std::atomic<bool> go{false};
    std::atomic<bool> stop{false};
    std::atomic<int> ready{0};
    std::vector<ClientResult> results(static_cast<std::size_t>(clients));
    std::vector<std::jthread> threads;
    // Whatever ends this function, an exception included, lets the clients
    // go and stop before their threads are joined, or the join would wait
    // for ever on clients still waiting for `go`.
    struct Release {
        std::atomic<bool>& go;
        std::atomic<bool>& stop;
        ~Release() {
            stop.store(true);
            go.store(true);
            go.notify_all();
        }
    } release{go, stop};
    for (auto& result : results) {
        threads.emplace_back(client_thread, load, std::cref(server.address()), std::cref(go),
                             std::cref(stop), std::ref(ready), std::ref(result));
    }
    // Every client connected (persistent) and waiting: then the clock starts.
    for (int now = ready.load(); now < clients; now = ready.load()) {
        ready.wait(now);
    }
    Run run;
    double cpu_before = server.cpu_seconds();
    auto start = Clock::now();
    go.store(true);
    go.notify_all();
    // The run's length is what is measured here, not a wait for an event.
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
    for (auto& thread : threads) {
        thread.join();  // each client's calls are limited: this ends
    }
    run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // The clock has stopped; the requests' CPU is counted once their
    // processes have been collected (the persistent ones end only now that
    // their clients have closed).
    server.wait_until_children_collected();
    run.cpu_seconds = server.cpu_seconds() - cpu_before;
    for (const auto& result : results) {
        if (!result.error.empty()) {
            throw std::runtime_error(server.name() + ": " + result.error);
        }
        run.requests += result.requests;
        run.clients_answered += result.answered_in_time ? 1 : 0;
    }
    return run;
}

struct Figures {
    std::vector<Run> runs;  // one per round

    double rate(std::size_t round) const {
        return static_cast<double>(runs[round].requests) / runs[round].seconds;
    }
    double median_rate() const {
        std::vector<double> rates;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            rates.push_back(rate(i));
        }
        return median(rates);
    }
    double cpu(std::size_t round) const {
        return runs[round].cpu_seconds / static_cast<double>(std::max<std::uint64_t>(runs[round].requests, 1));
    }
    /// The median over the rounds, as for the rate: a round that another
    /// program on the machine disturbed (preempted threads, cold caches)
    /// is an outlier, and the median ignores it where a total would not.
    double median_cpu() const {
        std::vector<double> cpus;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            cpus.push_back(cpu(i));
        }
        return median(cpus);
    }
    /// How many clients had an answer while the clock ran, in the median round.
    double median_answered() const {
        std::vector<double> answered;
        for (const Run& run : runs) {
            answered.push_back(run.clients_answered);
        }
        return median(answered);
    }
    static double median(std::vector<double> values) {
        std::sort(values.begin(), values.end());
        std::size_t n = values.size();
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
};

struct ServerSpec {
    std::string family;  // "tcp" or "unix"
    std::string name;    // "NAME" or "GROUP/NAME"
    std::vector<std::string> command;

    /// The part of the name before a '/': servers are compared with the
    /// others of their group only ("" when there is no group).
    std::string group() const {
        auto slash = name.find('/');
        return slash == std::string::npos ? std::string{} : name.substr(0, slash);
    }
};

/// One load as the command line names it: a kind, and how many clients.
struct LoadSpec {
    Load load;
    int clients;
    bool counted;  // "connection:N": its count was given, and is part of its name

    std::string name() const {
        std::string kind = load == Load::connection ? "connection" : "persistent";
        return counted ? kind + ":" + std::to_string(clients) : kind;
    }
};

struct Options {
    int clients = 8;
    std::size_t rounds = 20;
    double seconds = 0.5;
    std::string data;
    std::string load_text = "connection,persistent";
    std::vector<LoadSpec> loads;
    bool each_run = false;
    std::vector<ServerSpec> servers;
};

constexpr std::string_view usage =
    "usage: thread_load [--clients=N] [--rounds=N] [--seconds=S] [--load=L[:N],...] [--each-run]\n"
    "                   [--data=FILE]\n"
    "                   --tcp [GROUP/]NAME=COMMAND ... [--unix [GROUP/]NAME=COMMAND ...]\n";

// "connection,persistent:1": the loads, each with --clients clients unless
// it names its own count.
std::vector<LoadSpec> parse_loads(const std::string& text, int clients) {
    std::vector<LoadSpec> loads;
    std::istringstream items{text};
    for (std::string item; std::getline(items, item, ',');) {
        auto colon = item.find(':');
        std::string kind = item.substr(0, colon);
        LoadSpec spec{Load::connection, clients, colon != std::string::npos};
        if (kind == "persistent") {
            spec.load = Load::persistent;
        } else if (kind != "connection") {
            throw std::invalid_argument("a load is connection or persistent, not " + item);
        }
        if (spec.counted) {
            std::size_t end = 0;
            std::string count = item.substr(colon + 1);
            spec.clients = count.empty() ? 0 : std::stoi(count, &end);
            if (end != count.size() || spec.clients < 1) {
                throw std::invalid_argument("a load's clients are a positive number: " + item);
            }
        }
        loads.push_back(spec);
    }
    if (loads.empty()) {
        throw std::invalid_argument("--load names no load");
    }
    return loads;
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&](std::string_view flag) -> std::optional<std::string> {
            std::string prefix = std::string{flag} + "=";
            if (arg.starts_with(prefix)) {
                return std::string{arg.substr(prefix.size())};
            }
            return std::nullopt;
        };
        if (arg == "--tcp" || arg == "--unix") {
            if (i + 1 == argc) {
                throw std::invalid_argument(std::string{arg} + " needs NAME=COMMAND");
            }
            std::string_view spec = argv[++i];
            auto equals = spec.find('=');
            if (equals == std::string_view::npos || equals == 0) {
                throw std::invalid_argument("expected NAME=COMMAND, got \"" + std::string{spec} + "\"");
            }
            ServerSpec server{std::string{arg.substr(2)}, std::string{spec.substr(0, equals)}, {}};
            if (server.name.find('/') != server.name.rfind('/') || server.name.ends_with('/')) {
                throw std::invalid_argument("a server's name is NAME or GROUP/NAME, not " + server.name);
            }
            std::istringstream words{std::string{spec.substr(equals + 1)}};
            for (std::string word; words >> word;) {
                server.command.push_back(word);
            }
            if (server.command.empty()) {
                throw std::invalid_argument("no command for " + server.name);
            }
            options.servers.push_back(std::move(server));
        } else if (auto text = value("--clients")) {
            options.clients = std::stoi(*text);
        } else if (auto text = value("--rounds")) {
            options.rounds = std::stoul(*text);
        } else if (auto text = value("--seconds")) {
            options.seconds = std::stod(*text);
        } else if (auto text = value("--data")) {
            options.data = *text;
        } else if (arg == "--each-run") {
            options.each_run = true;
        } else if (auto text = value("--load")) {
            options.load_text = *text;
        } else {
            throw std::invalid_argument("unknown option " + std::string{arg});
        }
    }
    if (options.clients < 1 || options.rounds < 1 || !(options.seconds > 0)) {
        throw std::invalid_argument("--clients, --rounds and --seconds must be positive");
    }
    options.loads = parse_loads(options.load_text, options.clients);
    if (options.servers.empty()) {
        throw std::invalid_argument("no server given");
    }
    return options;
}

/// A temporary folder for the Unix sockets, removed with what is in it.
class TemporaryFolder {
public:
    TemporaryFolder() {
        std::string pattern = (std::filesystem::temp_directory_path() / "thread_load.XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            fail("mkdtemp");
        }
        path_ = pattern;
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct Case {
    std::string family;
    LoadSpec load;
    std::vector<std::string> servers;          // in the order named
    std::map<std::string, Figures> figures;    // by server
};

/// The groups of servers in the order their first member was named; each
/// group's members, in their order.
std::vector<std::pair<std::string, std::vector<std::string>>> groups_of(
    const std::vector<std::string>& servers) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const std::string& server : servers) {
        std::string group = ServerSpec{"", server, {}}.group();
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first == group; });
        if (it == groups.end()) {
            groups.emplace_back(group, std::vector<std::string>{});
            it = std::prev(groups.end());
        }
        it->second.push_back(server);
    }
    return groups;
}

/// A server's name without its group.
std::string member_name(const std::string& server) {
    return server.substr(server.find('/') + 1);
}

/// The median over the rounds of figure / other figure; "-" when no round
/// has a figure to divide by (a run so short that /proc counted no tick).
template <class PerRound>
void print_ratio(int width, PerRound figures, std::size_t rounds) {
    std::vector<double> ratios;
    for (std::size_t r = 0; r < rounds; ++r) {
        auto [mine, theirs] = figures(r);
        if (theirs > 0) {
            ratios.push_back(mine / theirs);
        }
    }
    std::cout << std::setw(width);
    if (ratios.empty()) {
        std::cout << '-';
    } else {
        std::cout << Figures::median(ratios);
    }
}

void print_table(const std::vector<Case>& cases, const Options& options) {
    // A column per server, as wide as "vs NAME" needs.
    auto width = [](const std::string& name) { return static_cast<int>(std::max<std::size_t>(12, name.size() + 5)); };
    std::cout << "\nMedians over " << options.rounds
              << " rounds. CPU: the server's utime+stime per request, its children's\n"
                 "(cutime+cstime, a forking server's requests) included.\n"
              << "\"vs X\": this server's figure / X's, in the same round (the median of those)";
    bool grouped = groups_of(cases.front().servers).size() > 1;
    std::cout << (grouped ? ",\nX of the same group (GROUP/NAME).\n\n" : ".\n\n");
    for (const Case& c : cases) {
        std::cout << c.family << ", " << c.load.name() << ", " << c.load.clients
                  << (c.load.clients == 1 ? " client\n" : " clients\n");
        int name_width = 10;
        for (const std::string& server : c.servers) {
            name_width = std::max(name_width, static_cast<int>(server.size()) + 2);
        }
        for (const auto& [group, members] : groups_of(c.servers)) {
            std::cout << "  " << std::left << std::setw(name_width) << "server" << std::right
                      << std::setw(10) << "req/s";
            for (const std::string& other : members) {
                std::cout << std::setw(width(member_name(other))) << ("vs " + member_name(other));
            }
            std::cout << std::setw(14) << "CPU us/req";
            for (const std::string& other : members) {
                std::cout << std::setw(width(member_name(other))) << ("vs " + member_name(other));
            }
            std::cout << '\n';
            for (const std::string& server : members) {
                const Figures& mine = c.figures.at(server);
                std::cout << "  " << std::left << std::setw(name_width) << server << std::right
                          << std::fixed << std::setprecision(0) << std::setw(10)
                          << mine.median_rate() << std::setprecision(2);
                for (const std::string& other : members) {
                    const Figures& theirs = c.figures.at(other);
                    print_ratio(width(member_name(other)), [&](std::size_t r) {
                        return std::pair{mine.rate(r), theirs.rate(r)};
                    }, mine.runs.size());
                }
                std::cout << std::setprecision(1) << std::setw(14) << mine.median_cpu() * 1e6
                          << std::setprecision(2);
                for (const std::string& other : members) {
                    const Figures& theirs = c.figures.at(other);
                    print_ratio(width(member_name(other)), [&](std::size_t r) {
                        return std::pair{mine.cpu(r), theirs.cpu(r)};
                    }, mine.runs.size());
                }
                std::cout << '\n';
                if (double answered = mine.median_answered(); answered < c.load.clients) {
                    std::cout << "    (" << std::setprecision(answered == static_cast<int>(answered) ? 0 : 1)
                              << answered << " of " << c.load.clients
                              << " clients answered while the clock ran; the others waited"
                                 " for them to close)\n";
                }
            }
        }
        std::cout << '\n';
    }
}

void write_data(const std::vector<Case>& cases, const Options& options, int argc, char** argv) {
    std::ofstream out(options.data);
    if (!out) {
        throw std::runtime_error("cannot write " + options.data);
    }
    std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    out << "# thread_load, " << when << ", nproc " << std::thread::hardware_concurrency() << ", "
        << options.clients << " clients unless the load says (load:clients), " << options.rounds
        << " rounds of " << options.seconds << " s\n# command:";
    for (int i = 0; i < argc; ++i) {
        std::string_view arg = argv[i];
        bool quote = arg.find(' ') != std::string_view::npos;  // a server's command and its arguments
        out << ' ' << (quote ? "'" : "") << arg << (quote ? "'" : "");
    }
    // Servers in groups (GROUP/NAME): a line per group, family and load,
    // the members' names as columns (the first group's); the first column
    // names the group. Without groups: a line per family and load.
    auto groups = groups_of(cases.front().servers);
    bool grouped = groups.size() > 1;
    std::vector<std::string> columns;
    for (const std::string& server : groups.front().second) {
        columns.push_back(member_name(server));
    }
    out << "\n# a line per " << (grouped ? "group, " : "") << "family and load: each server's "
        << "requests/s, then each one's\n# CPU microseconds per request (utime+stime+cutime+cstime),"
           " medians over the rounds\n";
    // A header line of names, for gnuplot's columnheader().
    out << (grouped ? "group" : "family") << " load";
    for (const char* what : {"", "_cpu"}) {
        for (const std::string& column : columns) {
            out << ' ' << column << what;
        }
    }
    out << '\n';
    bool families = false;
    for (const Case& c : cases) {
        families = families || c.family != cases.front().family;
    }
    for (const auto& entry : groups) {
        const std::string& group = entry.first;  // a lambda below uses it: no structured binding
        for (const Case& c : cases) {
            std::string family = c.family == "tcp" ? "TCP" : "Unix";
            out << (!grouped ? family : families ? group + "," + family : group) << ' '
                << c.load.name();
            // A column another group or case lacks is "?".
            auto figures = [&](const std::string& column) -> const Figures* {
                auto it = c.figures.find(grouped ? group + "/" + column : column);
                return it == c.figures.end() ? nullptr : &it->second;
            };
            for (const std::string& column : columns) {
                const Figures* f = figures(column);
                out << ' ' << std::fixed << std::setprecision(0);
                f == nullptr ? out << '?' : out << f->median_rate();
            }
            for (const std::string& column : columns) {
                const Figures* f = figures(column);
                out << ' ' << std::setprecision(2);
                f == nullptr ? out << '?' : out << f->median_cpu() * 1e6;
            }
            out << '\n';
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view{argv[i]} == "--help" || std::string_view{argv[i]} == "-h") {
            std::cout << usage
                      << "Starts each COMMAND with --bind ADDRESS appended (an echo server that\n"
                         "prints `listening on ADDRESS`), then times loads against them in\n"
                         "turns: a connection per request, and persistent connections.\n"
                         "  --clients=N   client threads at once (8)\n"
                         "  --rounds=N    how many times each server takes each load (20)\n"
                         "  --seconds=S   how long each of those runs lasts (0.5)\n"
                         "  --load=L,...  the loads, in order (connection,persistent); each\n"
                         "                connection or persistent, :N for N clients instead\n"
                         "                of --clients (connection:1,connection:8,persistent:8)\n"
                         "  --each-run    print every run's figures, not a dot\n"
                         "  --data=FILE   the figures for gnuplot too (bench/results/plot.gp)\n"
                         "A server named GROUP/NAME is compared only with its group's others.\n";
            return 0;
        }
    }
    Options options;
    try {
        options = parse(argc, argv);
    } catch (const std::exception& error) {
        std::cerr << "thread_load: " << error.what() << "\n" << usage;
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    try {
        TemporaryFolder folder;
        std::vector<Case> cases;
        for (const char* family : {"tcp", "unix"}) {
            for (std::size_t l = 0; l < options.loads.size(); ++l) {
                const LoadSpec& load = options.loads[l];
                // Fresh server processes for each load: what one load leaves in a
                // process (tens of thousands of threads started and ended) must
                // not weigh on the next one's figures.
                std::vector<std::unique_ptr<ServerProcess>> servers;
                for (const ServerSpec& spec : options.servers) {
                    if (spec.family == family) {
                        // A short name of its own (a group's '/' would be a folder).
                        std::string bind = spec.family == "tcp"
                                               ? "127.0.0.1:0"
                                               : (folder.path() / ("s" + std::to_string(servers.size()) +
                                                                   "-" + std::to_string(l) + ".sock"))
                                                     .string();
                        servers.push_back(
                            std::make_unique<ServerProcess>(spec.name, spec.command, bind));
                    }
                }
                if (servers.empty()) {
                    break;
                }
                Case& c = cases.emplace_back(Case{family, load, {}, {}});
                for (const auto& server : servers) {
                    c.servers.push_back(server->name());
                }
                std::cout << "thread_load: " << family << ", " << load.name() << ", "
                          << load.clients << (load.clients == 1 ? " client, " : " clients, ")
                          << options.rounds << " rounds of " << servers.size() << " servers"
                          << std::flush;
                for (std::size_t round = 0; round < options.rounds; ++round) {
                    if (options.each_run) {
                        std::cout << "\n  round " << round + 1 << ':';
                    }
                    // Each round starts with the next server: none always follows the
                    // same one (and whatever that one left behind: sockets in
                    // TIME_WAIT, threads still ending).
                    for (std::size_t i = 0; i < servers.size(); ++i) {
                        const auto& server = servers[(round + i) % servers.size()];
                        Run run = run_once(load.load, *server, load.clients, options.seconds);
                        c.figures[server->name()].runs.push_back(run);
                        if (options.each_run) {
                            std::cout << "  " << server->name() << ' ' << std::fixed
                                      << std::setprecision(0)
                                      << static_cast<double>(run.requests) / run.seconds
                                      << " req/s " << std::setprecision(1)
                                      << run.cpu_seconds / static_cast<double>(run.requests) * 1e6
                                      << " us";
                        }
                    }
                    std::cout << (options.each_run ? "" : ".") << std::flush;
                }
                std::cout << '\n';
            }
        }
        print_table(cases, options);
        if (!options.data.empty()) {
            write_data(cases, options, argc, argv);
            std::cout << "thread_load: figures written to " << options.data << '\n';
        }
    } catch (const std::exception& error) {
        std::cout << '\n';
        std::cerr << "thread_load: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
