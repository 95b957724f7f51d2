#include "ch06/request_threads.hpp"

#include <utility>

namespace sockserv::ch06 {

RequestThreads::~RequestThreads() {
    join_all();
}

// [start]
void RequestThreads::start(std::function<void()> work, bool daemon) {
    reap();
    std::lock_guard lock(mutex_);
    Entry& entry = entries_.emplace_back();
    entry.daemon = daemon;
    try {
        entry.thread = std::thread([work = std::move(work), &entry] {
            work();
            entry.finished.store(true, std::memory_order_release);
        });
    } catch (...) {
        entries_.pop_back();  // no thread: nothing to join
        throw;
    }
}
// [start]

// [reap]
void RequestThreads::reap() {
    std::list<Entry> finished;
    {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end();) {
            auto next = std::next(it);
            if (it->finished.load(std::memory_order_acquire)) {
                finished.splice(finished.end(), entries_, it);
            }
            it = next;
        }
    }
    // Outside the lock: a finished thread's join returns at once, but there
    // is no reason to make start() on another thread wait for it.
    for (Entry& entry : finished) {
        entry.thread.join();
    }
}
// [reap]

void RequestThreads::join() {
    join_where(false);
}

void RequestThreads::join_all() {
    join_where(true);
}

// Python's pop_all() then join: take the threads out under the lock, join
// them outside it, so that a request that starts meanwhile is not blocked.
void RequestThreads::join_where(bool include_daemons) {
    std::list<Entry> taken;
    {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end();) {
            auto next = std::next(it);
            if (include_daemons || !it->daemon) {
                taken.splice(taken.end(), entries_, it);
            }
            it = next;
        }
    }
    for (Entry& entry : taken) {
        entry.thread.join();
    }
}

std::size_t RequestThreads::size() {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace sockserv::ch06
