// Tests of exercise 0.2: accept_cloexec() (exercises/ch00/accept_cloexec.cpp).
//
// A real listening socket on loopback and real clients. The close-on-exec
// mark is read back with fcntl(F_GETFD), and then shown the way it
// matters: a program started after the accept must not hold the connection,
// or the client never sees it end when the server closes it.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <vector>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "../child_process.hpp"
#include "accept_cloexec.hpp"
#include "common/error.hpp"
#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/interrupt.hpp"

namespace {

using namespace sockserv;
using ch00::exercises::accept_cloexec;
using ch00::exercises::Accepted;

common::Socket listening_socket() {
    common::Socket listener = common::Socket::open(AF_INET, SOCK_STREAM);
    listener.bind(test::loopback_any_port());
    listener.listen(8);
    return listener;
}

// accept_cloexec(\p listener) with a time limit, for a connection that is
// already queued. Fails the test (with what happened) if it did not return one.
std::optional<Accepted> accept_queued(const common::Socket& listener) {
    std::optional<Accepted> accepted;
    test::BackgroundCall call{[&] { accepted = accept_cloexec(listener.fd()); }};
    if (!call.finishes_within(test::default_timeout)) {
        ADD_FAILURE() << "accept_cloexec() waited " << test::default_timeout.count()
                      << " s though a client was already waiting to be accepted";
        return std::nullopt;  // the destructor reports the call that never returned
    }
    try {
        call.get();
    } catch (...) {
        ADD_FAILURE() << "accept_cloexec() threw " << common::describe_current_exception()
                      << " with a client waiting to be accepted";
        return std::nullopt;
    }
    if (!accepted->connection.is_open()) {
        ADD_FAILURE() << "accept_cloexec() returned no descriptor (-1) with a client waiting to "
                         "be accepted";
        return std::nullopt;
    }
    return accepted;
}

TEST(AcceptCloexec, ReturnsTheConnectionAndTheClientsAddress) {
    common::Socket listener = listening_socket();
    test::Client client{listener.local_address()};
    std::optional<Accepted> accepted = accept_queued(listener);
    ASSERT_TRUE(accepted);
    const common::Address client_side = client.socket().local_address();
    EXPECT_TRUE(accepted->peer == client_side)
        << "peer should be the client's address, " << client_side << ", but is "
        << accepted->peer << " (" << accepted->peer.size()
        << " bytes). Give the kernel peer.data() and a size of capacity(), then set_size() to "
           "what it wrote.";

    // The descriptor really is the connection: what goes in comes out at the client.
    common::Socket connection{std::move(accepted->connection)};
    connection.send_all("hello, client\n");
    EXPECT_EQ(client.recv_line(), "hello, client\n");
}

TEST(AcceptCloexec, MarksTheConnectionCloseOnExec) {
    common::Socket listener = listening_socket();
    test::Client client{listener.local_address()};
    std::optional<Accepted> accepted = accept_queued(listener);
    ASSERT_TRUE(accepted);
    const int flags = ::fcntl(accepted->connection.get(), F_GETFD);
    ASSERT_GE(flags, 0) << "fcntl(F_GETFD) on the returned descriptor: " << std::strerror(errno);
    EXPECT_TRUE(flags & FD_CLOEXEC)
        << "the accepted descriptor is not marked FD_CLOEXEC: any program the server starts "
           "would inherit the connection. accept4() takes a flag that sets the mark as the "
           "descriptor is made.";
}

TEST(AcceptCloexec, AProgramStartedAfterwardsDoesNotHoldTheConnection) {
    common::Socket listener = listening_socket();
    test::Client client{listener.local_address()};
    std::optional<Accepted> accepted = accept_queued(listener);
    ASSERT_TRUE(accepted);

    // The server starts a program (cat, which runs until its stdin ends),
    // then closes the connection, which should end it.
    test::ChildProcess program{{"/bin/cat"}};
    accepted->connection.close();
    bool ended = false;
    std::string problem;
    try {
        ended = client.at_eof();
        if (!ended) {
            problem = "data arrived instead";
        }
    } catch (const std::exception& error) {
        problem = error.what();
    }
    program.close_stdin();
    EXPECT_EQ(program.wait(test::default_timeout), 0) << "cat did not end when its stdin did";
    EXPECT_TRUE(ended)
        << "the server closed the connection, but the client did not see it end (" << problem
        << "): the program (cat) the server started after accepting had inherited a copy of the "
           "descriptor, and the connection lasts as long as any copy. Mark it close-on-exec.";
}

TEST(AcceptCloexec, AWaitInterruptedByASignalGoesOn) {
    test::CountingSignalHandler signals;
    common::Socket listener = listening_socket();
    std::promise<pid_t> accepting_thread;
    std::optional<Accepted> accepted;
    test::BackgroundCall accepting{[&] {
        accepting_thread.set_value(test::current_thread_id());
        accepted = accept_cloexec(listener.fd());
    }};
    // However the test ends, a wait still in progress gets a client, so
    // that the thread running it can be joined.
    struct ConnectOnExit {
        const common::Socket& listener;
        test::BackgroundCall& call;
        ~ConnectOnExit() {
            if (!call.finishes_within(common::Seconds{0})) {
                try {
                    test::Client late{listener.local_address()};
                    (void)call.finishes_within(test::default_timeout);
                } catch (...) {
                    // the join in BackgroundCall's destructor reports it
                }
            }
        }
    } connect_on_exit{listener, accepting};
    const pid_t tid = accepting_thread.get_future().get();
    const std::vector<long> accept_calls = {SYS_accept, SYS_accept4};
    ASSERT_TRUE(test::wait_until_in_syscall(tid, accept_calls))
        << "accept_cloexec() was never seen waiting in accept() with no client there";

    signals.interrupt(accepting.native_handle());
    ASSERT_TRUE(signals.wait_for_count(1));
    if (accepting.finishes_within(common::Seconds{0})) {
        std::string outcome = "returned";
        try {
            accepting.get();
        } catch (...) {
            outcome = "threw " + common::describe_current_exception();
        }
        FAIL() << "a signal interrupted accept() (-1, errno EINTR), and accept_cloexec() "
               << outcome << " instead of waiting on: EINTR is no error, call accept again.";
    }
    ASSERT_TRUE(test::wait_until_in_syscall(tid, accept_calls))
        << "after the signal, accept_cloexec() was not seen waiting in accept() again";

    test::Client client{listener.local_address()};
    ASSERT_TRUE(accepting.finishes_within(test::default_timeout))
        << "a client connected, and accept_cloexec() did not return it";
    accepting.get();
    ASSERT_TRUE(accepted && accepted->connection.is_open());
    EXPECT_TRUE(accepted->peer == client.socket().local_address())
        << "after the interruption, the connection returned is not the client's";
}

TEST(AcceptCloexec, ReportsASocketThatIsNotListening) {
    common::Socket not_listening = common::Socket::open(AF_INET, SOCK_STREAM);
    std::optional<Accepted> accepted;
    test::BackgroundCall call{[&] { accepted = accept_cloexec(not_listening.fd()); }};
    ASSERT_TRUE(call.finishes_within(test::default_timeout))
        << "accept_cloexec() on a socket that is not listening should fail at once";
    try {
        call.get();
        FAIL() << "accept_cloexec() on a socket that never called listen() returned normally; "
                  "expected std::system_error with EINVAL, as accept(2) reports";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code().value(), EINVAL)
            << "accept() failed with EINVAL; the exception should carry that errno, but says: "
            << error.what();
    }
}

}  // namespace
