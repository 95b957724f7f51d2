// ch00_plain_echo_server: the course's echo service in direct system calls.
//
// Nothing from common/ is used here: every address, descriptor, flag and
// errno is handled in the open, as a C program would do it, so that Part 0
// of the book can set it beside the layer and show what the layer saves.
// It serves one client at a time, answering every byte it receives with
// the same byte, ASCII letters upper-cased, until the client closes; it
// stops on SIGINT or SIGTERM once the client in progress is done.
//
//   ch00_plain_echo_server [--bind HOST:PORT] [--help]   (default 127.0.0.1:9999)
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

const char* const program = "ch00_plain_echo_server";

// [plain-self-pipe]
// The self-pipe: the handler may only make async-signal-safe calls, so it
// writes one byte, and the main loop, which polls the pipe beside the
// listening socket, does the real work. A full pipe already says "stop".
int stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
    int saved = errno;  // the interrupted code may be about to read errno
    [[maybe_unused]] auto written = write(stop_pipe[1], "x", 1);
    errno = saved;
}
// [plain-self-pipe]

int fail(const char* call) {
    std::fprintf(stderr, "%s: %s: %s\n", program, call, std::strerror(errno));
    return 1;
}

// [plain-send-all]
// send() may take less than it was given, or be interrupted: go on from
// where it stopped. MSG_NOSIGNAL: a vanished client is an EPIPE, not a
// SIGPIPE that would kill the server.
bool send_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent < 0) {
            return false;
        }
        data += sent;
        size -= static_cast<size_t>(sent);
    }
    return true;
}
// [plain-send-all]

// [plain-serve]
void serve(int client) {
    char buffer[4096];
    for (;;) {
        ssize_t received = recv(client, buffer, sizeof buffer, 0);
        if (received < 0 && errno == EINTR) {
            continue;  // a signal: finish this client first, stop afterwards
        }
        if (received <= 0) {
            return;  // 0: the client closed its side; < 0: it reset
        }
        for (ssize_t i = 0; i < received; ++i) {
            if (buffer[i] >= 'a' && buffer[i] <= 'z') {
                buffer[i] = static_cast<char>(buffer[i] - 'a' + 'A');
            }
        }
        if (!send_all(client, buffer, static_cast<size_t>(received))) {
            std::fprintf(stderr, "%s: send: %s\n", program, std::strerror(errno));
            return;
        }
    }
}
// [plain-serve]

}  // namespace

int main(int argc, char** argv) {
    std::string bind_to = "127.0.0.1:9999";
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0) {
            std::printf("usage: %s [--bind HOST:PORT] [--help]\n"
                        "An echo server in direct system calls: every byte comes back,\n"
                        "ASCII letters upper-cased. HOST is an IPv4 address, [IPv6] or a\n"
                        "name; port 0 lets the OS choose. Default 127.0.0.1:9999.\n",
                        program);
            return 0;
        }
        if (std::strcmp(argv[i], "--bind") == 0 && i + 1 < argc) {
            bind_to = argv[++i];
        } else if (std::strcmp(argv[i], "--bind") == 0) {
            std::fprintf(stderr, "%s: --bind needs HOST:PORT\n", program);
            return 2;
        } else {
            std::fprintf(stderr, "%s: unknown argument '%s' (try --help)\n", program, argv[i]);
            return 2;
        }
    }
    // "HOST:PORT", or "[V6]:PORT": the brackets keep the literal's colons apart.
    size_t colon = bind_to.rfind(':');
    std::string host = colon == std::string::npos ? "" : bind_to.substr(0, colon);
    std::string port = colon == std::string::npos ? "" : bind_to.substr(colon + 1);
    bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty() || (!bracketed && host.find(':') != std::string::npos) || port.empty() ||
        port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535) {
        std::fprintf(stderr, "%s: malformed address '%s': expected HOST:PORT or [IPV6]:PORT\n",
                     program, bind_to.c_str());
        return 2;
    }

    // [plain-resolve]
    // getaddrinfo() turns text into a sockaddr of the right family, whether
    // HOST is an IPv4 literal, an IPv6 one or a name; the port is stored in
    // network byte order for us. AI_NUMERICSERV: a port must be a number.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (int status = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); status != 0) {
        std::fprintf(stderr, "%s: cannot bind %s: %s\n", program, bind_to.c_str(),
                     status == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(status));
        return 1;
    }
    // [plain-resolve]

    // [plain-listen]
    int listener = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) {
        freeaddrinfo(found);
        return fail("socket");
    }
    int error = 0;  // bind's or listen's errno, kept past freeaddrinfo()
    if (bind(listener, found->ai_addr, found->ai_addrlen) < 0 || listen(listener, 128) < 0) {
        error = errno;
    }
    freeaddrinfo(found);
    if (error != 0) {
        std::fprintf(stderr, "%s: cannot bind %s: %s\n", program, bind_to.c_str(),
                     std::strerror(error));
        return 1;
    }

    // Port 0 was a request; getsockname() says what the OS chose.
    sockaddr_storage bound{};
    socklen_t bound_size = sizeof bound;
    getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &bound_size);
    char shown_host[NI_MAXHOST];
    char shown_port[NI_MAXSERV];
    getnameinfo(reinterpret_cast<sockaddr*>(&bound), bound_size, shown_host, sizeof shown_host,
                shown_port, sizeof shown_port, NI_NUMERICHOST | NI_NUMERICSERV);
    // [plain-listen]

    // [plain-signals]
    // pipe() and fcntl() rather than Linux's pipe2(): this part is portable.
    if (pipe(stop_pipe) < 0) {
        return fail("pipe");
    }
    for (int fd : stop_pipe) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, O_NONBLOCK);  // a handler must never block on a full pipe
    }
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // [plain-signals]

    bool v6 = bound.ss_family == AF_INET6;
    std::printf("listening on %s%s%s:%s\n", v6 ? "[" : "", shown_host, v6 ? "]" : "", shown_port);
    std::fflush(stdout);  // a pipe is block-buffered: whoever waits for this line needs it now

    // [plain-loop]
    pollfd watched[2] = {{listener, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
    for (;;) {
        if (poll(watched, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;  // the handler has written to the pipe: poll again and see it
            }
            return fail("poll");
        }
        if (watched[1].revents != 0) {
            break;
        }
        sockaddr_storage peer{};
        socklen_t peer_size = sizeof peer;
        int client = accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_size, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;  // interrupted, or the client gave up before we took it
            }
            return fail("accept4");
        }
        serve(client);
        close(client);
    }
    close(listener);
    return 0;
    // [plain-loop]
}
