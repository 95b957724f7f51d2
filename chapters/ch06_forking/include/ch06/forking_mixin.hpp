/// \file
/// \brief Python's `ForkingMixIn`: each request in a process of its own.
#pragma once

#include <cerrno>
#include <cstddef>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>

#include <sys/types.h>
#include <sys/wait.h>

#include "ch06/request.hpp"
#include "ch06/system_exit.hpp"
#include "ch06/udp_server.hpp"
#include "common/address.hpp"
#include "common/seconds.hpp"

namespace sockserv::ch06 {

/// \brief `fork(2)`, with what must happen around it: the parent's
/// buffered output written out first, so that the child does not inherit
/// (and write a second time) what the parent had not yet written.
/// \return the child's pid in the parent, 0 in the child
/// \throws std::system_error when no process can be made (a limit on
///         processes, or memory)
pid_t fork_process();

/// \brief Ends a child process at once with \p status, without returning:
/// its own buffered output is written, and nothing else of the parent's
/// program runs (no destructor, no `atexit` handler). `_exit(2)`, not `exit(3)`.
/// \param status the exit status the parent's `waitpid()` will see
[[noreturn]] void exit_child(int status) noexcept;

/// \brief Reports on stderr an exception that would have left a child
/// process's request, naming the client. Call it inside a `catch` block.
/// \param client_address the client whose request it was
void report_uncaught_in_child(const common::Address& client_address) noexcept;

/// \brief `waitpid(2)`, retried when a signal interrupts it.
/// \param pid     the child to wait for, or -1 for any child
/// \param options 0 to wait, `WNOHANG` not to
/// \return the pid of a child that has exited, 0 when none has (WNOHANG),
///         -1 with errno set (ECHILD: no such child)
pid_t wait_for_child(pid_t pid, int options) noexcept;

/// \ingroup ch06
/// \brief Adds a process per request to any server class: Python's
/// `ForkingMixIn`, as a class template over the server it extends.
///
/// What changes:
/// - process_request() forks. The parent records the child's pid in
///   #active_children, closes its own copy of the connection
///   (close_request(), not shutdown_request(): the child's conversation
///   must not be cut) and returns to the loop. The child serves the
///   request and ends with `_exit()`: it never comes back into the loop
///   (\ref ch06-child).
/// - The children that have exited are collected (collect_children()) on
///   every pass of serve_forever() (service_actions()) and when
///   handle_request() times out (handle_timeout()); BaseServer::timeout is 300 s, so
///   that a server driven by handle_request() collects them at least that
///   often.
/// - At most #max_children children at once: with that many alive, the
///   loop waits for one to exit before it serves the next request.
/// - server_close() waits for every child (#block_on_close). Destroying
///   the server without server_close() neither waits for the children
///   nor collects them, as in Python: unlike a request thread, a child
///   uses nothing of the parent's object, so nothing forces a wait, and a
///   destructor that blocked on a slow client would surprise more than a
///   zombie left until the program ends.
///
/// A child shares nothing with the parent but the descriptors it
/// inherits: what a handler changes in the server object, it changes in
/// its own copy (\ref ch06-what-a-child-inherits).
///
/// \tparam Server the server class to extend: TCPServer, UDPServer,
///         UnixStreamServer, UnixDatagramServer, or a subclass of one;
///         not a Threading server (threads and fork do not mix)
///
/// \see \ref part-ch06, which teaches this class: \ref ch06-mixin,
/// \ref ch06-child, \ref ch06-collect-children.
template <class Server>
class ForkingMixIn : public Server {
    // [no-threads-and-fork]
    static_assert(!requires { Server::requests_run_on_threads; },
                  "ForkingMixIn over a ThreadingMixIn server: a process made by fork() has "
                  "only the thread that forked, so the request threads' work and their locks "
                  "would be left half-done in the child. Choose one model (Part 6).");
    // [no-threads-and-fork]

public:
    /// \brief Tells a ThreadingMixIn that it is given a Forking server
    /// (which it refuses, at compile time).
    static constexpr bool requests_run_in_processes = true;

    /// \brief The server's constructor, then Python's class attribute
    /// `timeout = 300`.
    /// \param args what the server's constructor takes
    template <class... Args>
    explicit ForkingMixIn(Args&&... args) : Server(std::forward<Args>(args)...) {
        this->timeout = common::Seconds{300};
    }

    /// \brief The pids of the children that may still be running: empty
    /// (Python's `None`) until the first fork.
    std::optional<std::set<pid_t>> active_children;
    /// \brief How many children may run at once. Default 40.
    std::size_t max_children = 40;
    /// \brief Whether server_close() waits for every child. Default true.
    bool block_on_close = true;

    /// \brief Collects the children that have exited, so that none stays a
    /// zombie: Python's `collect_children()`.
    ///
    /// First, while #max_children children are recorded, waits for any
    /// child at all to exit (one `waitpid(-1)` per child, however many
    /// there are; it may collect a child this server did not make, which
    /// is why it is done only then). Then asks each recorded child, without
    /// waiting (\p blocking false) or waiting for each (\p blocking true).
    /// \param blocking whether to wait for the children still running
    // [collect-children]
    void collect_children(bool blocking = false) {
        if (!active_children) {
            return;
        }
        while (active_children->size() >= max_children) {
            pid_t pid = wait_for_child(-1, 0);
            if (pid > 0) {
                active_children->erase(pid);
            } else if (errno == ECHILD) {
                active_children->clear();  // no child at all: nothing to wait for
            } else {
                break;
            }
        }
        for (auto it = active_children->begin(); it != active_children->end();) {
            pid_t collected = wait_for_child(*it, blocking ? 0 : WNOHANG);
            if (collected > 0 || (collected < 0 && errno == ECHILD)) {
                it = active_children->erase(it);  // exited, or someone else collected it
            } else {
                ++it;  // still running
            }
        }
    }
    // [collect-children]

    /// \brief After BaseServer::timeout without a request: collect_children().
    void handle_timeout() override { collect_children(); }
    /// \brief On every pass of serve_forever(): collect_children().
    void service_actions() override { collect_children(); }

    /// \brief Forks; the parent records the child and returns at once, the
    /// child serves the request and exits.
    /// \param request        the request from get_request()
    /// \param client_address the client's address
    /// \throws std::system_error when fork() fails; the serving loop then
    ///         reports it through handle_error() and shuts the request down
    // [process-request]
    void process_request(Request& request, const common::Address& client_address) override {
        pid_t pid = fork_process();
        if (pid != 0) {
            if (!active_children) {
                active_children.emplace();
            }
            active_children->insert(pid);
            this->close_request(request);  // the child's now; this copy only closes
            return;
        }
        serve_in_child(request, client_address);
    }
    // [process-request]

    /// \brief Closes the server, then waits for every child if
    /// #block_on_close is true (and collects those that have exited if not).
    // [server-close]
    void server_close() override {
        Server::server_close();
        collect_children(block_on_close);
    }
    // [server-close]

private:
    // A datagram request answers through the server's own socket.
    static constexpr bool child_uses_server_socket = std::is_base_of_v<UDPServer, Server>;

    // The child: Python's try/except/finally around finish_request(),
    // ending in os._exit(status). Status 0 when the request was served,
    // 1 when anything was thrown (SystemExit too, as in CPython).
    // [serve-in-child]
    [[noreturn]] void serve_in_child(Request& request, const common::Address& client_address) {
        int status = 1;
        try {
            leave_the_parents_things();
            try {
                this->finish_request(request, client_address);
                status = 0;
            } catch (const std::exception&) {
                this->handle_error(request, client_address);
            }
        } catch (const SystemExit&) {
            // CPython's child ends with status 1 on SystemExit, quietly.
        } catch (...) {
            report_uncaught_in_child(client_address);
        }
        try {
            this->shutdown_request(request);
        } catch (...) {
            report_uncaught_in_child(client_address);
        }
        exit_child(status);
    }
    // [serve-in-child]

    // What the child must not keep of the parent's: the serving loop's
    // shutdown wake-up, and a stream server's listening socket (a child
    // that kept it open would keep the port taken after the parent has
    // closed it). A datagram child answers through that socket: it stays.
    // [leave-the-parents-things]
    void leave_the_parents_things() {
        this->forget_parent_loop();
        if constexpr (!child_uses_server_socket) {
            this->socket.close();
        }
        active_children.reset();  // the parent's children are not this process's
    }
    // [leave-the-parents-things]
};

}  // namespace sockserv::ch06
