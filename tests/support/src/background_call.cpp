#include "support/background_call.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <utility>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace sockserv::test {

BackgroundCall::BackgroundCall(std::function<void()> call, std::string what)
    : what_(std::move(what)), thread_([this, call = std::move(call)] { run(call); }) {}

void BackgroundCall::run(const std::function<void()>& call) {
    std::exception_ptr error;
    try {
        call();
    } catch (...) {
        error = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    error_ = error;
    done_ = true;
    done_changed_.notify_all();
}

bool BackgroundCall::finishes_within(common::Seconds timeout) {
    std::unique_lock lock(mutex_);
    return done_changed_.wait_for(lock, timeout, [this] { return done_; });
}

void BackgroundCall::get() {
    if (!finishes_within(default_timeout)) {
        throw std::runtime_error(what_ + " did not return within " +
                                 std::to_string(default_timeout.count()) + " s");
    }
    std::lock_guard lock(mutex_);
    collected_ = true;
    if (error_) {
        std::rethrow_exception(error_);
    }
}

BackgroundCall::~BackgroundCall() {
    if (!finishes_within(default_timeout)) {
        // Joining would hang forever and detaching would leave a thread
        // using objects the test is about to destroy: end the program.
        std::cerr << "BackgroundCall: " << what_ << " did not return within "
                  << default_timeout.count() << " s; aborting the test program" << std::endl;
        std::abort();
    }
    thread_.join();
    if (error_ && !collected_) {
        std::string what;
        try {
            std::rethrow_exception(error_);
        } catch (...) {
            what = common::describe_current_exception();
        }
        ADD_FAILURE() << what_ << " threw: " << what;
    }
}

}  // namespace sockserv::test
