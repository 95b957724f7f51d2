/// \file
/// \brief A server running serve_forever() on a thread, for the length of a test.
#pragma once

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/seconds.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"

namespace sockserv::test {

/// \brief Runs `server.serve_forever()` on a thread of its own and, however
/// the test ends (a failed ASSERT returns early), shuts it down and joins it.
///
/// Works with any chapter's server: it only needs serve_forever() and
/// shutdown(). An exception escaping serve_forever() fails the test instead
/// of terminating the whole test program. Every wait has default_timeout as
/// its limit: a shutdown() or a serve_forever() that never returns ends the
/// test program with a message naming the call, instead of hanging until
/// ctest kills it.
template <class Server>
class ServerThread {
public:
    /// \brief Starts serving \p server, which must outlive this object.
    explicit ServerThread(Server& server, common::Seconds poll_interval = common::Seconds{0.5})
        : server_(server) {
        serving_.emplace([this, poll_interval] { run(poll_interval); }, "serve_forever()");
    }

    ~ServerThread() { stop(); }

    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    /// \brief shutdown() and join, each within default_timeout; harmless to
    /// call twice.
    void stop() {
        if (!serving_) {
            return;
        }
        {
            BackgroundCall stopping{[this] { server_.shutdown(); }, "shutdown()"};
            if (!stopping.finishes_within(default_timeout)) {
                // Neither joining nor going on is safe: the threads use
                // objects the test is about to destroy.
                std::cerr << "ServerThread::stop(): shutdown() did not return within "
                          << default_timeout.count() << " s; aborting the test program"
                          << std::endl;
                std::abort();
            }
        }
        if (!serving_->finishes_within(default_timeout)) {
            std::cerr << "ServerThread::stop(): serve_forever() went on for "
                      << default_timeout.count()
                      << " s after shutdown() returned; aborting the test program" << std::endl;
            std::abort();
        }
        serving_.reset();
        if (!escaped_.empty()) {
            ADD_FAILURE() << "serve_forever() threw: " << escaped_;
        }
    }

private:
    void run(common::Seconds poll_interval) {
        try {
            server_.serve_forever(poll_interval);
        } catch (...) {
            escaped_ = common::describe_current_exception();
        }
    }

    Server& server_;
    std::string escaped_;  // written by the thread, read once it has finished
    std::optional<BackgroundCall> serving_;
};

}  // namespace sockserv::test
