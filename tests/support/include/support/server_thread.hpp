/// \file
/// \brief A server running serve_forever() on a thread, for the length of a test.
#pragma once

#include <exception>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/seconds.hpp"

namespace sockserv::test {

/// \brief Runs `server.serve_forever()` on a thread of its own and, however
/// the test ends (a failed ASSERT returns early), shuts it down and joins it.
///
/// Works with any chapter's server: it only needs serve_forever() and
/// shutdown(). An exception escaping serve_forever() fails the test instead
/// of terminating the whole test program.
template <class Server>
class ServerThread {
public:
    /// \brief Starts serving \p server, which must outlive this object.
    explicit ServerThread(Server& server, common::Seconds poll_interval = common::Seconds{0.5})
        : server_(server), thread_([this, poll_interval] { run(poll_interval); }) {}

    ~ServerThread() { stop(); }

    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    /// \brief shutdown() and join; harmless to call twice.
    void stop() {
        if (thread_.joinable()) {
            server_.shutdown();
            thread_.join();
            if (!escaped_.empty()) {
                ADD_FAILURE() << "serve_forever() threw: " << escaped_;
            }
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
    std::string escaped_;  // written by the thread, read after join()
    std::thread thread_;
};

}  // namespace sockserv::test
