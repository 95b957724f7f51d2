/// \file
/// \brief What chapter 3's suites share: a recording server and a handler
/// that write down the whole lifecycle of a request (verify_request, setup,
/// handle, finish, handle_timeout, service_actions), for any chapter from 3
/// on.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"

namespace sockserv::test {

/// \brief Hook names, in the order a record lists them (CallLog::hooks()).
using Hooks = std::vector<std::string>;

/// \brief Hooks one after the other.
inline Hooks operator+(Hooks first, const Hooks& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

/// \brief What a recording server's record starts with: its own binding.
inline const Hooks bound{"server_bind", "server_activate"};

/// \brief The hooks one request goes through from chapter 3 on when its
/// handler returns: verify_request() before the handler is made, and the
/// handler's three steps.
inline const Hooks served{"get_request", "verify_request", "process_request", "finish_request",
                          "setup",       "handle",         "finish",          "shutdown_request",
                          "close_request"};

/// \brief The SystemExit of \p Server's chapter.
template <class Server>
using SystemExitOf = typename ChapterOf<Server>::SystemExit;

/// \brief What leaves \p call, as a test compares it: "SystemExit 3"
/// (the SystemExit of \p Server's chapter), "int 42", "std::runtime_error:
/// its message" (any other exception, as common::describe_current_exception()
/// puts it), or "nothing".
template <class Server>
std::string what_leaves(const std::function<void()>& call) {
    try {
        call();
    } catch (const SystemExitOf<Server>& exit) {
        return "SystemExit " + std::to_string(exit.code);
    } catch (int thrown) {
        return "int " + std::to_string(thrown);
    } catch (...) {
        return common::describe_current_exception();
    }
    return "nothing";
}

/// \brief A RecordingServer that also writes down chapter 3's hooks:
/// verify_request (answering as set_allow() says), handle_timeout and
/// service_actions.
template <class Base>
class Observed : public RecordingServer<Base> {
public:
    using RecordingServer<Base>::RecordingServer;
    using Request = RequestOf<Base>;

    /// \brief Waits for the request threads first (join_request_threads()).
    ~Observed() override { join_request_threads(*this); }

    /// \brief What verify_request answers; it may also throw. Serves
    /// everyone unless a test says otherwise (set it before serving starts,
    /// or through set_allow() while serving).
    using Decision = std::function<bool(Request&, const common::Address&)>;
    void set_allow(Decision allow) {
        std::lock_guard lock(allow_mutex_);
        allow_ = std::move(allow);
    }

    bool verify_request(Request& request, const common::Address& client) override {
        this->record({"verify_request", request.socket().fd(), client});
        std::lock_guard lock(allow_mutex_);
        return allow_(request, client);
    }
    void handle_timeout() override { this->record({"handle_timeout"}); }
    void service_actions() override { this->record({"service_actions"}); }

private:
    std::mutex allow_mutex_;
    Decision allow_ = [](Request&, const common::Address&) { return true; };
};

/// \brief What a Lifecycle handler does at each of its three steps, after
/// writing the step down: nothing, unless the step's function is set (it
/// may throw).
struct Plan {
    std::function<void()> setup;
    std::function<void()> handle;
    std::function<void()> finish;
};

/// \brief A handler that writes setup, handle and finish in its server's
/// record (the server is a RecordingServer), answers "handled\n" from
/// handle() as RecordedHandler does, and follows a Plan.
template <class Base>
class Lifecycle : public RecordedHandler<Base> {
public:
    template <class Request, class Server>
    Lifecycle(Request& request, const common::Address& client, Server& server, const Plan& plan)
        : RecordedHandler<Base>(request, client, server), plan_(plan) {}

    void setup() override { step("setup", plan_.setup); }
    void handle() override {
        RecordedHandler<Base>::handle();
        if (plan_.handle) {
            plan_.handle();
        }
    }
    void finish() override { step("finish", plan_.finish); }

private:
    void step(const char* name, const std::function<void()>& then) {
        log_of(*this).record({name, this->request.socket().fd(), this->client_address});
        if (then) {
            then();
        }
    }

    const Plan& plan_;
};

/// \brief A factory of \p Server's chapter that makes Lifecycle handlers
/// following \p plan, which must outlive the server.
template <class Server>
HandlerFactoryOf<Server> lifecycle(const Plan& plan) {
    return [&plan](RequestOf<Server>& request, const common::Address& client,
                   BaseServerOf<Server>& server) {
        return std::make_unique<Lifecycle<BaseRequestHandlerOf<Server>>>(request, client, server,
                                                                         plan);
    };
}

}  // namespace sockserv::test
