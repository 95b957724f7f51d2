/// \file
/// \brief Exercise 6.1 (given: read it, do not edit it): a TCPServer that
/// serves every connection in a process of its own; you write its
/// process_request() and serve_in_child() in fork_per_request.cpp.
///
/// Book: "Exercise 6.1: a process per request, by hand".
/// Check: `./course check ch06 fork_per_request`.
#pragma once

#include <cerrno>
#include <map>
#include <set>

#include <sys/types.h>
#include <sys/wait.h>

#include "ch06/socketserver.hpp"

namespace sockserv::ch06::exercises {

/// \brief A TCPServer whose process_request() forks: the child serves the
/// connection and exits, the parent goes straight back to accepting.
///
/// The same idea as ForkingMixIn, built by hand and kept small: one server
/// class rather than a template, no limit on the number of children, and
/// the collecting of children written for you (service_actions() and
/// server_close() below), with each child's exit status kept in
/// #exit_statuses so that you (and the tests) can see how it ended.
///
/// Two functions of chapter 6 do the system calls for you:
/// ch06::fork_process() (`fork()`, with the buffered output written out
/// first; it throws `std::system_error` when no process can be made) and
/// ch06::exit_child() (ends the process with `_exit()`; it never returns).
/// Exercise 6.3 asks what they must do, and why.
class ForkPerRequestServer : public TCPServer {
public:
    using TCPServer::TCPServer;

    /// \brief Waits for every child, as Python's `with` block would.
    ~ForkPerRequestServer() override { server_close(); }

    ForkPerRequestServer(const ForkPerRequestServer&) = delete;
    ForkPerRequestServer& operator=(const ForkPerRequestServer&) = delete;

    /// \brief Your part, 1 of 2: forks. The parent records the child and
    /// returns at once; the child serves the request with serve_in_child().
    ///
    /// After the fork both processes hold the connection. The parent
    /// adds the child's pid to #children, then lets go of its own copy
    /// with close_request(), and returns to the serving loop. Not
    /// shutdown_request(): that would end the conversation for the child
    /// too, since both copies are the same connection.
    ///
    /// If fork fails (ch06::fork_process() throws), let the exception go:
    /// the serving loop reports it through handle_error(), shuts the
    /// request down, and goes on.
    /// \param request        the request from get_request()
    /// \param client_address the client's address
    // [process-request]
    void process_request(Request& request, const common::Address& client_address) override;
    // [process-request]

    /// \brief Closes the listening socket, then waits for every child in
    /// #children and keeps its exit status (given).
    void server_close() override {
        TCPServer::server_close();
        collect(0);
    }

    /// \brief On every pass of serve_forever(): collects the children that
    /// have exited, without waiting for the others (given).
    void service_actions() override { collect(WNOHANG); }

    /// \brief The pids of the children not yet collected: your
    /// process_request() adds each child it makes.
    std::set<pid_t> children;

    /// \brief How each collected child ended, by pid: the wait status
    /// `waitpid()` gave (`WIFEXITED`, `WEXITSTATUS`...).
    std::map<pid_t, int> exit_statuses;

protected:
    /// \brief Your part, 2 of 2: in the child, serves the request from
    /// start to end, then ends the process. It never returns.
    ///
    /// What the serving loop does for a synchronous server, now in the
    /// child: finish_request(); if that throws a `std::exception`,
    /// handle_error() (called inside the `catch` block, where it can see
    /// the exception); and shutdown_request() in every case, error or not.
    ///
    /// Then ch06::exit_child(status): status 0 when finish_request()
    /// returned, 1 when anything was thrown. Whatever was thrown
    /// (SystemExit from a handler, an exception from handle_error()
    /// itself), nothing may leave this function: the child must never
    /// come back into the serving loop, where it would accept the parent's
    /// clients as if it were the server.
    /// \param request        the request, the child's copy
    /// \param client_address the client's address
    // [serve-in-child]
    [[noreturn]] void serve_in_child(Request& request, const common::Address& client_address) noexcept;
    // [serve-in-child]

private:
    // Collects the recorded children that have exited (WNOHANG), or all of
    // them (0), and keeps their statuses. One that is not this process's
    // child any more (ECHILD) is dropped.
    void collect(int options) {
        for (auto it = children.begin(); it != children.end();) {
            int status = 0;
            pid_t pid = 0;
            do {
                pid = ::waitpid(*it, &status, options);
            } while (pid < 0 && errno == EINTR);
            if (pid > 0) {
                exit_statuses[pid] = status;
                it = children.erase(it);
            } else if (pid < 0) {
                it = children.erase(it);
            } else {
                ++it;
            }
        }
    }
};

}  // namespace sockserv::ch06::exercises
