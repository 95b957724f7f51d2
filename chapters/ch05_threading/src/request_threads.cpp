#include "ch05/request_threads.hpp"

namespace sockserv::ch05 {

RequestThreads::~RequestThreads() {
    join_all();
}

// A thread's last act: it becomes the last finished thread, and joins the
// one that was (CPython's reap(), moved off the serving loop). That join
// returns as soon as the other thread has left its own finished(); and it
// frees that thread's stack here, not on the loop that accepts clients.
// [reap]
void RequestThreads::finished(Entries::iterator self) {
    Entries previous;
    {
        std::lock_guard lock(mutex_);
        if (self->claimed) {
            return;  // join_where() has taken this thread: it joins it
        }
        previous.swap(last_finished_);
        last_finished_.splice(last_finished_.end(), running_, self);
    }
    // Outside the lock, and never touching `self` again: from here on,
    // the next thread to finish (or join_where()) may join this one and
    // destroy its entry.
    for (Entry& entry : previous) {
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
// A running thread taken here is marked, so that its finished() leaves
// its entry alone; the last finished thread is taken whatever it was.
void RequestThreads::join_where(bool include_daemons) {
    Entries taken;
    {
        std::lock_guard lock(mutex_);
        for (auto it = running_.begin(); it != running_.end();) {
            auto next = std::next(it);
            if (include_daemons || !it->daemon) {
                it->claimed = true;
                taken.splice(taken.end(), running_, it);
            }
            it = next;
        }
        taken.splice(taken.end(), last_finished_);
    }
    for (Entry& entry : taken) {
        entry.thread.join();
    }
}

std::size_t RequestThreads::size() {
    std::lock_guard lock(mutex_);
    return running_.size() + last_finished_.size();
}

}  // namespace sockserv::ch05
