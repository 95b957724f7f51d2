/// \file
/// \brief The threads of a ThreadingMixIn server: started, reaped, joined.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief Every request thread a server has started and not yet joined:
/// Python's `_Threads`, the list behind `server_close()`'s wait.
///
/// A `std::thread` must be joined (or detached) before it is destroyed, or
/// the program ends in `std::terminate`, so a thread is kept here from its
/// start to its join. Joining a thread that has finished is "reaping" it,
/// and start() reaps every finished thread before it adds one (CPython's
/// bpo-37193: without that, a server that has served a million requests
/// holds a million dead threads). So the list holds the threads still
/// running, and at most the few that finished since the last request.
///
/// A thread started as a daemon is left alone by join(), which
/// `server_close()` calls, but not by join_all(), which the server's
/// destructor calls: in C++ no thread may outlive the server whose
/// members it uses (\ref ch05-daemon-threads).
///
/// \see \ref part-ch05, which teaches this class: \ref ch05-reaping.
class RequestThreads {
public:
    RequestThreads() = default;
    /// \brief Joins every thread still here, daemons included.
    ~RequestThreads();

    RequestThreads(const RequestThreads&) = delete;
    RequestThreads& operator=(const RequestThreads&) = delete;

    /// \brief Reaps the finished threads, then starts one that runs \p work.
    /// \param work   what the thread runs; it must not throw
    /// \param daemon true: join() will not wait for it (join_all() will)
    /// \throws std::system_error when no thread can be started (a limit on
    ///         threads or memory); nothing is kept then, and \p work has not run
    void start(std::function<void()> work, bool daemon);
    /// \brief Joins the threads that have finished; running ones stay.
    void reap();
    /// \brief Waits for every thread started so far, daemons excepted:
    /// what `server_close()` waits for when `block_on_close` is true.
    void join();
    /// \brief Waits for every thread started so far, daemons included.
    void join_all();
    /// \brief How many threads are kept: running, or finished and not yet reaped.
    /// \return the count
    [[nodiscard]] std::size_t size();

private:
    struct Entry {
        std::thread thread;
        std::atomic<bool> finished{false};  // set by the thread, last thing it does
        bool daemon = false;
    };

    void join_where(bool include_daemons);

    std::mutex mutex_;  // guards entries_ (the threads only touch their own `finished`)
    std::list<Entry> entries_;  // a list: an entry never moves while its thread runs
};

}  // namespace sockserv::ch06
