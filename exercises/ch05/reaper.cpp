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
    // TODO(exercise): reap first; then start a thread that runs work() and,
    // after it, adds its own number to finished_ (under mutex_).
    //   1. Take the number from next_ and put the thread in threads_ while
    //      holding mutex_: a thread that finishes at once then has to wait
    //      for the lock, and its number cannot reach finished_ before the
    //      thread is in threads_.
    //   2. reap() takes the lock too: call it before you take the lock here.
    // (For now every thread is kept until join_all(), and the map grows
    // with every request the server has served.)
    std::lock_guard lock{mutex_};
    threads_.emplace(next_++, std::thread{std::move(work)});
}

std::size_t ThreadReaper::reap() {
    // TODO(exercise): join the threads whose numbers are in finished_.
    //   1. While holding mutex_: move each of those threads out of threads_
    //      (a number that is not there any more: skip it), and empty
    //      finished_.
    //   2. After letting go of mutex_: join them, and return how many.
    return 0;
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
