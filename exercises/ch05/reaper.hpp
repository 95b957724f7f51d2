/// \file
/// \brief Exercise 5.2 (given: read it, do not edit it): ThreadReaper,
/// which keeps a server's request threads and joins each one soon after
/// it has finished; you write its start() and reap() in reaper.cpp.
/// join_all() is written for you there. ReapingTCPServer, a thread-per-request server built on it,
/// is given.
///
/// Book: "Exercise 5.2: reaping finished threads".
/// Check: `./course check ch05 reaper`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "ch05/socketserver.hpp"

namespace sockserv::ch05::exercises {

/// \brief Threads that run one piece of work each, kept from their start
/// until they are joined, and joined soon after they finish.
///
/// Every `std::thread` must be joined before it is destroyed, so a server
/// that starts a thread per request must keep each one somewhere. Kept
/// until server_close(), they pile up: a server that has served a million
/// requests would hold a million finished threads (CPython's bpo-37193).
/// So each thread, as the last thing it does, writes its number in
/// #finished_, and reap() joins the threads listed there, which returns at
/// once since they have ended. start() reaps before it starts a thread:
/// the collection then holds the threads still running, and at most a
/// few that finished since the last start().
///
/// Safe to use from several threads at once: every member below is
/// touched only while #mutex_ is held. No thread is joined while #mutex_
/// is held: a thread that is finishing needs the lock to write its number.
class ThreadReaper {
public:
    ThreadReaper() = default;
    /// \brief Joins every thread still kept: none may outlive this object.
    ~ThreadReaper() { join_all(); }

    ThreadReaper(const ThreadReaper&) = delete;
    ThreadReaper& operator=(const ThreadReaper&) = delete;

    /// \brief Your part, 1 of 2: reaps, then starts a thread that runs
    /// \p work and then says that it has finished.
    ///
    /// The thread gets the next number (#next_), is kept in #threads_
    /// under that number, and once \p work has returned, adds its number
    /// to #finished_. Mind the order: the thread may finish before start()
    /// has put it in #threads_, unless something stops it.
    /// \param work what the thread runs; it must not throw
    /// \throws std::system_error when no thread can be started: nothing is
    ///         kept then, and \p work does not run
    // [start]
    void start(std::function<void()> work);
    // [start]

    /// \brief Your part, 2 of 2: joins every thread that has finished, and
    /// only those; threads still running stay.
    ///
    /// A number in #finished_ may belong to a thread that join_all() has
    /// joined already (it finished while join_all() waited for it): it is
    /// no longer in #threads_, and is simply dropped.
    /// \return how many threads it joined
    // [reap]
    std::size_t reap();
    // [reap]

    /// \brief Joins every thread started so far, running or finished,
    /// and keeps none (given, in reaper.cpp).
    // [join-all]
    void join_all();
    // [join-all]

    /// \brief How many threads are kept: running, or finished and not yet reaped.
    /// \return the count
    [[nodiscard]] std::size_t size() const {
        std::lock_guard lock{mutex_};
        return threads_.size();
    }

private:
    mutable std::mutex mutex_;                   // guards the three members below
    std::map<std::uint64_t, std::thread> threads_;  // every thread not yet joined, by number
    std::vector<std::uint64_t> finished_;        // numbers of threads whose work is over
    std::uint64_t next_ = 0;                     // the number of the next thread
};

/// \brief A TCPServer with a thread per request, whose threads are kept by
/// a ThreadReaper: ThreadingTCPServer, with your reaper in place of
/// chapter 5's RequestThreads.
///
/// Each request runs through ThreadingMixIn::process_request_thread(),
/// on a thread that #threads starts; its number of kept threads is
/// `threads.size()`.
class ReapingTCPServer : public ThreadingTCPServer {
public:
    using ThreadingTCPServer::ThreadingTCPServer;
    /// \brief Joins every request thread before the members go.
    ~ReapingTCPServer() override { server_close(); }

    ReapingTCPServer(const ReapingTCPServer&) = delete;
    ReapingTCPServer& operator=(const ReapingTCPServer&) = delete;

    /// \brief Starts a thread for the request with #threads.
    /// \param request        the request; moved to its thread
    /// \param client_address the client's address
    void process_request(Request& request, const common::Address& client_address) override {
        // A std::function must be copyable, and a request is not: share it.
        auto owned = std::make_shared<Request>(std::move(request));
        try {
            threads.start([this, owned, client_address] {
                process_request_thread(*owned, client_address);
            });
        } catch (...) {
            request = std::move(*owned);  // no thread: back to the loop, which reports it
            throw;
        }
    }

    /// \brief Closes the listening socket, then joins every request thread.
    void server_close() override {
        ThreadingTCPServer::server_close();
        threads.join_all();
    }

    /// \brief The request threads.
    ThreadReaper threads;
};

}  // namespace sockserv::ch05::exercises
