/// \file
/// \brief A blocking call run on a thread of its own, so that a test can
/// wait for it to return with a time limit.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <string>
#include <thread>

#include "common/seconds.hpp"
#include "support/client.hpp"

namespace sockserv::test {

/// \brief Runs \p call (e.g. `server.handle_request()`, `server.shutdown()`)
/// on a new thread at once, and lets the test ask whether it has returned.
///
/// Calls such as serve_forever() or shutdown() have no time limit of their
/// own; a test that called them directly would hang when they are broken.
/// Through this class the test waits with a limit and fails with a message.
///
/// The destructor joins the thread. If the call has still not returned
/// after default_timeout, the destructor says on stderr which call it was
/// waiting for, and aborts
/// the test program: a broken test then fails in seconds instead of
/// hanging until ctest kills it. An exception the call threw and nobody
/// collected with get() is reported as a test failure.
class BackgroundCall {
public:
    /// \brief Starts \p call on a new thread; \p what names it in the
    /// messages about a call that never returned ("serve_forever()").
    explicit BackgroundCall(std::function<void()> call, std::string what = "the background call");
    ~BackgroundCall();

    BackgroundCall(const BackgroundCall&) = delete;
    BackgroundCall& operator=(const BackgroundCall&) = delete;

    /// \brief Waits at most \p timeout; true once the call has returned
    /// (or thrown). Everything the call wrote is then visible to the caller.
    [[nodiscard]] bool finishes_within(common::Seconds timeout = default_timeout);

    /// \brief Waits for the call (at most default_timeout) and rethrows what
    /// it threw, if anything. Throws `std::runtime_error` if it never returned.
    void get();

    /// \brief The thread running the call, e.g. to send it a signal.
    [[nodiscard]] pthread_t native_handle() { return thread_.native_handle(); }

private:
    void run(const std::function<void()>& call);

    std::string what_;             // for the messages: what the call was
    std::mutex mutex_;
    std::condition_variable done_changed_;
    bool done_ = false;
    bool collected_ = false;       // get() has seen the outcome
    std::exception_ptr error_;     // what the call threw, if anything
    std::thread thread_;
};

}  // namespace sockserv::test
