/// \file
/// \brief Turning SIGINT and SIGTERM into a clean `shutdown()`.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "common/file_descriptor.hpp"
#include "common/waker.hpp"

namespace sockserv::common {

/// \brief While alive, answers the first SIGINT or SIGTERM by calling
/// `shutdown` from a thread of its own, and a second one by ending the
/// process at once (status 1, with a line on stderr).
///
/// Why not a plain signal handler? `shutdown()` waits for `serve_forever()`
/// to return, and waiting (locks, condition variables) is not allowed in a
/// signal handler. So the signals are blocked and read from a `signalfd(2)`
/// by an ordinary thread, which may do anything.
///
/// Construct it before starting any other thread: a thread inherits the
/// signal mask of its creator, and a thread created earlier would still
/// receive the signals the default way (and die of them).
///
/// A child made by `fork()` while it is alive starts with SIGINT and
/// SIGTERM unblocked again (unless they were blocked before), as a plain
/// program has them: the child inherits the mask but not the watcher
/// thread, and would otherwise ignore Ctrl-C for ever.
///
/// \see \ref part-ch00, which teaches this layer: \ref ch00-signalfd; and
/// \ref demo-contract-signals for what the demos do with it.
class ShutdownOnSignal {
public:
    /// \brief Blocks SIGINT and SIGTERM and starts watching for them.
    /// \param shutdown what the first signal runs (e.g. `server.shutdown()`)
    /// \param program  the name used in the second signal's message
    /// \throws std::system_error when the signals cannot be watched
    ///         (no descriptor or thread to be had); the signal mask is then
    ///         left as it was
    ShutdownOnSignal(std::function<void()> shutdown, std::string_view program);
    /// \brief Stops watching and waits for a shutdown in progress.
    ///
    /// The signals stay blocked: the program is about to exit, and
    /// unblocking would let a late signal kill it the default way.
    ~ShutdownOnSignal();

    ShutdownOnSignal(const ShutdownOnSignal&) = delete;
    ShutdownOnSignal& operator=(const ShutdownOnSignal&) = delete;

    /// \brief Throws what stopped the watcher, if something did.
    ///
    /// A watcher that fails (its poll() reports an error) runs `shutdown`
    /// as a signal would, since the program can no longer be stopped
    /// cleanly; call this once serving has ended to report why.
    void rethrow_if_failed() const;

private:
    void watch() noexcept;
    void watch_signals();
    void run_shutdown() noexcept;

    std::function<void()> shutdown_;
    std::string program_;
    FileDescriptor signals_;
    Waker stop_;
    std::thread stopper_;  // runs shutdown_; started by watcher_, joined after it
    std::exception_ptr failure_;  // written by watcher_ before it ends; read after shutdown
    std::thread watcher_;
};

}  // namespace sockserv::common
