/// \file
/// \brief The threads of a ThreadingMixIn server: started, reaped, joined.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <thread>

namespace sockserv::ch05 {

/// \ingroup ch05
/// \brief Every request thread a server has started and not yet joined:
/// Python's `_Threads`, the list behind `server_close()`'s wait.
///
/// A `std::thread` must be joined (or detached) before it is destroyed, or
/// the program ends in `std::terminate`, so a thread is kept here from its
/// start to its join. Joining a thread that has finished is "reaping" it.
/// Here each thread, as its last act, reaps the one that finished before
/// it (CPython's bpo-37193: without reaping, a server that has served a
/// million requests holds a million dead threads). So the list holds the
/// threads still running and one finished thread at most, and the serving
/// loop never joins anything: a join frees the thread's stack, a cost
/// that would otherwise fall on the one thread every client waits for
/// (\ref ch05-walk-reap).
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

    /// \brief Starts a thread that runs \p work, then reaps the thread
    /// that finished before it.
    /// \param work   what the thread runs; it must not throw
    /// \param daemon true: join() will not wait for it (join_all() will)
    /// \throws std::system_error when no thread can be started (a limit on
    ///         threads or memory); nothing is kept then, and \p work has not run
    template <class Work>
    void start(Work work, bool daemon);
    /// \brief Waits for every thread started so far, daemons excepted:
    /// what `server_close()` waits for when `block_on_close` is true.
    void join();
    /// \brief Waits for every thread started so far, daemons included.
    void join_all();
    /// \brief How many threads are kept: running, or finished and not yet
    /// reaped (one at most).
    /// \return the count
    [[nodiscard]] std::size_t size();

private:
    struct Entry {
        std::thread thread;
        bool daemon = false;
        bool claimed = false;  // taken by join_where(), which joins it
    };
    using Entries = std::list<Entry>;  // a list: an entry never moves while its thread runs

    void finished(Entries::iterator self);
    void join_where(bool include_daemons);

    std::mutex mutex_;     // guards everything below, and every Entry
    Entries running_;      // started, work not over yet
    Entries last_finished_;  // the latest thread to finish: the next one to finish joins it
};

// A template, so that the work is stored in the thread as it is: no
// std::function, and no allocation of its own.
// [start]
template <class Work>
void RequestThreads::start(Work work, bool daemon) {
    std::lock_guard lock(mutex_);
    const auto self = running_.emplace(running_.end());
    self->daemon = daemon;
    try {
        // Under the lock: a thread that finishes at once waits in
        // finished() until its std::thread is stored in its entry.
        self->thread = std::thread([this, self, work = std::move(work)]() mutable {
            work();
            finished(self);
        });
    } catch (...) {
        running_.erase(self);  // no thread: nothing to join
        throw;
    }
}
// [start]

}  // namespace sockserv::ch05
