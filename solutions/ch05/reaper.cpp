// Exercise 5.2: reaping finished threads: each thread says when its work
// is over, and reap() joins those, and only those.
//
// Read the book's section "Exercise 5.2: reaping finished threads" first
// (book/ch05.md, anchor ex-ch05-reaper).
// Check your work with:   ./course check ch05 reaper
// You edit this file only; reaper.hpp (ThreadReaper, ReapingTCPServer) is given.
#include "reaper.hpp"

namespace sockserv::ch05::exercises {

void ThreadReaper::start(std::function<void()> work) {
    reap();
    // Held until the thread is in threads_: a thread that finishes at once
    // waits here before it can write its number.
    std::lock_guard lock{mutex_};
    const std::uint64_t number = next_++;
    threads_.emplace(number, std::thread{[this, number, work = std::move(work)] {
        work();
        std::lock_guard finishing{mutex_};
        finished_.push_back(number);
    }});
}

std::size_t ThreadReaper::reap() {
    std::vector<std::thread> done;
    {
        std::lock_guard lock{mutex_};
        for (std::uint64_t number : finished_) {
            auto found = threads_.find(number);
            if (found != threads_.end()) {  // else join_all() has joined it
                done.push_back(std::move(found->second));
                threads_.erase(found);
            }
        }
        finished_.clear();
    }
    // Each has written its number, its last act under the lock: join
    // returns as soon as it has let go and ended.
    for (std::thread& thread : done) {
        thread.join();
    }
    return done.size();
}

void ThreadReaper::join_all() {
    // Given: every thread out of threads_ under mutex_, then joined without
    // it (a thread that is finishing needs the lock to write its number).
    // The numbers those threads write afterwards are left in finished_, for
    // reap() to drop.
    std::map<std::uint64_t, std::thread> all;
    {
        std::lock_guard lock{mutex_};
        all.swap(threads_);
    }
    for (auto& [number, thread] : all) {
        thread.join();
    }
}

}  // namespace sockserv::ch05::exercises
