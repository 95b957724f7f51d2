/// \file
/// \brief A server that writes down every hook call, and handlers that
/// write theirs in the same record: how a test sees the order in which
/// Python's hooks run, and waits for one to have run.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <fcntl.h>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <sys/socket.h>

#include "common/address.hpp"
#include "common/error.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"
#include "support/client.hpp"
#include "support/server_classes.hpp"

namespace sockserv::test {

/// \brief One call of a hook, as a test can compare it.
struct Call {
    std::string hook;
    int request_fd = -1;        ///< socket_of(request).fd() when the hook ran
    common::Address address{};  ///< the client_address passed, if any

    friend bool operator==(const Call&, const Call&) = default;
    friend std::ostream& operator<<(std::ostream& out, const Call& call);
};

/// \brief What a RecordingServer writes down when it binds and then serves
/// one request (descriptor \p fd, from \p client) whose handler returns:
/// the hooks every chapter has, in Python's order.
std::vector<Call> one_request_served(int fd, const common::Address& client);

/// \brief The calls written down so far, safe to share between the
/// serving thread and the test.
class CallLog {
public:
    virtual ~CallLog() = default;

    /// \brief Writes down \p call and wakes whoever waits for it.
    void record(Call call);
    /// \brief Writes down a handle_error() \p call and \p what it reported.
    void record_error(Call call, std::string what);

    /// \brief Every call so far, in order.
    [[nodiscard]] std::vector<Call> calls() const;
    /// \brief The names of the calls so far, in order, without the ones in \p left_out.
    [[nodiscard]] std::vector<std::string> hooks(
        const std::vector<std::string>& left_out = {}) const;
    /// \brief How many times \p hook has been called so far.
    [[nodiscard]] std::size_t count(std::string_view hook) const;
    /// \brief Waits (at most \p timeout) until \p hook has been called
    /// \p times times in all; false if it has not.
    [[nodiscard]] bool wait_for(std::string_view hook, std::size_t times,
                                common::Seconds timeout = default_timeout) const;

    /// \brief What each handle_error() call reported (the exception, as
    /// common::describe_current_exception() puts it), in order.
    [[nodiscard]] std::vector<std::string> errors() const;
    /// \brief The client_address of each handle_error() call, in order.
    [[nodiscard]] std::vector<common::Address> error_clients() const;

private:
    [[nodiscard]] std::size_t count_locked(std::string_view hook) const;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<Call> calls_;
    std::vector<std::string> errors_;
};

/// \brief A server of class \p Base that writes down every hook call, then
/// does what Base does (handle_error() excepted: it writes down the
/// exception instead of printing it).
///
/// It binds with its own overrides, as Python's docs describe for
/// bind_and_activate=False, so server_bind and server_activate are in the
/// record too.
template <class Base>
class RecordingServer : public Base, public CallLog {
public:
    using Request = RequestOf<Base>;

    RecordingServer(common::Address address, HandlerFactoryOf<Base> factory)
        : Base(std::move(address), std::move(factory), false) {
        server_bind();
        server_activate();
    }

    /// \brief On a server with request threads (chapter 5's Threading
    /// classes), waits for them first: they call this object's hooks, and
    /// the base's destructor, which would wait too, runs only after this
    /// object and its record are gone.
    ~RecordingServer() override { join_request_threads(*this); }

    void server_bind() override {
        record({"server_bind"});
        Base::server_bind();
    }
    void server_activate() override {
        record({"server_activate"});
        Base::server_activate();
    }
    std::pair<Request, common::Address> get_request() override {
        auto taken = Base::get_request();
        record({"get_request", socket_of(taken.first).fd(), taken.second});
        return taken;
    }
    void process_request(Request& request, const common::Address& client) override {
        record({"process_request", socket_of(request).fd(), client});
        Base::process_request(request, client);
    }
    void finish_request(Request& request, const common::Address& client) override {
        record({"finish_request", socket_of(request).fd(), client});
        Base::finish_request(request, client);
    }
    void shutdown_request(Request& request) override {
        record({"shutdown_request", socket_of(request).fd()});
        Base::shutdown_request(request);
    }
    void close_request(Request& request) override {
        const int fd_before = socket_of(request).fd();
        Base::close_request(request);
        const int fd = socket_of(request).fd();
        fd_after_close = fd;
        open_after_close = ::fcntl(fd, F_GETFD) != -1;
        // Written down last: a test that waits for close_request (on a
        // Threading server it runs on the request's thread) then reads
        // the two above as they were left.
        record({"close_request", fd_before});
    }
    void handle_error(Request& request, const common::Address& client) override {
        record_error({"handle_error", socket_of(request).fd(), client},
                     common::describe_current_exception());
    }

    /// \brief What the last close_request() left behind: the request's
    /// descriptor, and whether it was still open (read once
    /// wait_for("close_request", n) says the request has been served; atomic
    /// because a Threading server closes on the request's thread).
    std::atomic<int> fd_after_close = -2;
    std::atomic<bool> open_after_close = false;
};

/// \brief A server of class \p Base whose handle_error() does what Base's
/// does (the default reports on stderr), then lets a test know: a test
/// waits for the report through wait_for_errors() rather than assuming
/// the handler has finished when handle_request() returns (on a Threading
/// server it runs on a thread of its own).
template <class Base>
class ErrorsCounted : public Base {
public:
    using Base::Base;

    /// \brief Waits for the request threads first, as RecordingServer does.
    ~ErrorsCounted() override { join_request_threads(*this); }

    void handle_error(RequestOf<Base>& request, const common::Address& client) override {
        Base::handle_error(request, client);
        std::lock_guard lock(mutex_);
        ++errors_;
        changed_.notify_all();
    }

    /// \brief Waits (at most default_timeout) until handle_error() has
    /// returned \p count times in all; false if it has not.
    [[nodiscard]] bool wait_for_errors(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, default_timeout, [&] { return errors_ >= count; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int errors_ = 0;
};

/// \brief The CallLog of the server that made \p handler: a handler's
/// record goes where its server's goes.
template <class Handler>
CallLog& log_of(Handler& handler) {
    return dynamic_cast<CallLog&>(handler.server);
}

/// \brief Writes down its handle() in its server's record (the server is a
/// RecordingServer), then answers "handled\n" the way its kind of request
/// is answered.
///
/// A stream request is read to its end first: a connection closed with
/// bytes still unread is reset (TCP and Unix alike), and the client would
/// see an error instead of the end.
template <class Base>
class RecordedHandler : public Base {
public:
    using Base::Base;
    void handle() override {
        common::Socket& connection = socket_of(this->request);
        log_of(*this).record({"handle", connection.fd(), this->client_address});
        if constexpr (has_datagrams<std::remove_reference_t<decltype(this->request)>>) {
            if (this->request.is_datagram()) {
                connection.sendto("handled\n", this->client_address);
                return;
            }
        }
        connection.set_timeout(default_timeout);
        char buffer[256];
        while (connection.recv(buffer) != 0) {
        }
        connection.send_all("handled\n");
    }
};

/// \brief RecordedHandler, and then fails.
template <class Base>
class RecordedFailingHandler : public RecordedHandler<Base> {
public:
    using RecordedHandler<Base>::RecordedHandler;
    void handle() override {
        RecordedHandler<Base>::handle();
        throw std::runtime_error("handler failed");
    }
};

}  // namespace sockserv::test
