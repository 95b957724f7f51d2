#include "support/recording.hpp"

#include <algorithm>

namespace sockserv::test {

std::ostream& operator<<(std::ostream& out, const Call& call) {
    out << call.hook << "(fd " << call.request_fd;
    if (call.address.family() != AF_UNSPEC) {
        out << ", " << call.address;
    }
    return out << ")";
}

std::vector<Call> one_request_served(int fd, const common::Address& client) {
    return {
        {"server_bind"},
        {"server_activate"},
        {"get_request", fd, client},
        {"process_request", fd, client},
        {"finish_request", fd, client},
        {"handle", fd, client},
        {"shutdown_request", fd},
        {"close_request", fd},
    };
}

void CallLog::record(Call call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
    changed_.notify_all();
}

void CallLog::record_error(Call call, std::string what) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
    errors_.push_back(std::move(what));
    changed_.notify_all();
}

std::vector<Call> CallLog::calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

std::vector<std::string> CallLog::hooks(const std::vector<std::string>& left_out) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const Call& call : calls_) {
        if (std::find(left_out.begin(), left_out.end(), call.hook) == left_out.end()) {
            names.push_back(call.hook);
        }
    }
    return names;
}

std::size_t CallLog::count_locked(std::string_view hook) const {
    return static_cast<std::size_t>(std::count_if(
        calls_.begin(), calls_.end(), [hook](const Call& call) { return call.hook == hook; }));
}

std::size_t CallLog::count(std::string_view hook) const {
    std::lock_guard lock(mutex_);
    return count_locked(hook);
}

bool CallLog::wait_for(std::string_view hook, std::size_t times, common::Seconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_locked(hook) >= times; });
}

std::vector<std::string> CallLog::errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
}

std::vector<common::Address> CallLog::error_clients() const {
    std::lock_guard lock(mutex_);
    std::vector<common::Address> clients;
    for (const Call& call : calls_) {
        if (call.hook == "handle_error") {
            clients.push_back(call.address);
        }
    }
    return clients;
}

}  // namespace sockserv::test
