// Tests of exercise 6.2: ChildCollector::collect_children()
// (exercises/ch06/collect_children.cpp).
//
// Real children of the test program, each waiting for the test to tell it
// to exit (a byte on a pipe of its own), so that the test decides which
// child has exited when. Whether a child is still running, a zombie, or
// collected, the test asks without collecting it (/proc, and a pidfd:
// support/children.hpp). A call that may wait runs on a thread of its own, with a time
// limit; every child still there when a test ends is told to exit and
// collected, and ends on SIGALRM after 30 s at the latest.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_processes.hpp"
#include "collect_children.hpp"
#include "common/error.hpp"
#include "common/file_descriptor.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"

namespace {

using namespace sockserv;
using ch06::exercises::ChildCollector;
using test::children::describe_status;
using test::wait_until_ended;
using test::is_child_of_this_process;
using test::is_zombie_child;

// A child of the test program that waits until told to exit.
class Child {
public:
    Child() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            common::throw_system_error("pipe2");
        }
        // The parent keeps both ends: a write to a child that has gone
        // then finds a reader still there, instead of raising SIGPIPE.
        read_ = common::FileDescriptor{fds[0]};
        write_ = common::FileDescriptor{fds[1]};
        pid = ::fork();
        if (pid < 0) {
            common::throw_system_error("fork");
        }
        if (pid == 0) {
            wait_then_exit(fds[0]);
        }
    }
    ~Child() {
        exit_with(0);
        test::end_and_collect(pid);  // unless collect_children() did
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Tells the child to exit with \p status (once; later calls do nothing).
    void exit_with(int status) {
        if (!told_) {
            unsigned char byte = static_cast<unsigned char>(status);
            [[maybe_unused]] ssize_t n = ::write(write_.get(), &byte, 1);
            told_ = true;
        }
    }

    pid_t pid = -1;

private:
    [[noreturn]] static void wait_then_exit(int fd) noexcept {
        ::alarm(test::children::child_lifetime_seconds);
        unsigned char byte = 0;
        ssize_t n = 0;
        do {
            n = ::read(fd, &byte, 1);
        } while (n < 0 && errno == EINTR);
        ::_exit(n == 1 ? byte : 0);
    }

    common::FileDescriptor read_;
    common::FileDescriptor write_;
    bool told_ = false;
};

// Several children; all told to exit when the test ends, however it ends.
struct Children {
    explicit Children(std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            all.push_back(std::make_unique<Child>());
        }
    }
    Child& operator[](std::size_t i) { return *all[i]; }
    std::set<pid_t> pids() const {
        std::set<pid_t> out;
        for (const auto& child : all) {
            out.insert(child->pid);
        }
        return out;
    }
    void exit_all() {
        for (auto& child : all) {
            child->exit_with(0);
        }
    }
    std::vector<std::unique_ptr<Child>> all;
};

// Declared after a BackgroundCall that waits for the children: destroyed
// before it, it lets the children go, so that the call can return.
struct ExitAllOnExit {
    Children& children;
    ~ExitAllOnExit() { children.exit_all(); }
};

std::string describe(const std::set<pid_t>& pids) {
    std::ostringstream out;
    out << "{";
    for (pid_t pid : pids) {
        out << (pid == *pids.begin() ? "" : ", ") << pid;
    }
    out << "}";
    return out.str();
}

TEST(CollectChildren, AnExitedChildIsCollectedAndTheRunningOnesStay) {
    Children children{3};
    ChildCollector collector;
    collector.active_children = children.pids();
    const pid_t exited = children[1].pid;
    children[1].exit_with(0);
    ASSERT_TRUE(wait_until_ended(exited, test::default_timeout)) << "the test's child did not exit";
    test::BackgroundCall collecting{[&collector] { collector.collect_children(false); },
                                    "collect_children(false)"};
    ExitAllOnExit exit_all{children};
    ASSERT_TRUE(collecting.finishes_within(common::Seconds{5.0}))
        << "collect_children(false) did not return within 5 s while two children were still "
           "running: without `blocking`, ask each child with WNOHANG, which never waits";
    EXPECT_EQ(collector.active_children, (std::set<pid_t>{children[0].pid, children[2].pid}))
        << "child " << exited << " had exited and the two others were running: only " << exited
        << " should have left active_children, which holds " << describe(collector.active_children);
    EXPECT_FALSE(is_zombie_child(exited))
        << "child " << exited << " had exited, and after collect_children() it is still a "
        << "zombie: waitpid() it (with WNOHANG) to collect it";
    EXPECT_TRUE(is_child_of_this_process(children[0].pid) && is_child_of_this_process(children[2].pid))
        << "the children still running should be left alone";
}

TEST(CollectChildren, RunningChildrenAreNotWaitedFor) {
    Children children{2};
    ChildCollector collector;
    collector.active_children = children.pids();
    test::BackgroundCall collecting{[&collector] { collector.collect_children(false); },
                                    "collect_children(false)"};
    ExitAllOnExit exit_all{children};
    EXPECT_TRUE(collecting.finishes_within(common::Seconds{5.0}))
        << "collect_children(false), with 2 children running and max_children 40, did not "
           "return within 5 s: it waits for a running child. A server calls it after every "
           "request; it must not stop serving until a child ends. Ask with WNOHANG.";
    children.exit_all();
    ASSERT_TRUE(collecting.finishes_within()) << "collect_children() never returned";
    EXPECT_EQ(collector.active_children, children.pids())
        << "both children were running: both should stay in active_children";
}

TEST(CollectChildren, AtTheLimitItWaitsForWhicheverChildExitsFirst) {
    Children children{2};
    ChildCollector collector;
    collector.max_children = 2;
    collector.active_children = children.pids();
    // The higher pid exits: waiting for the first pid of the set would not see it.
    const pid_t first = *collector.active_children.begin();
    const pid_t last = *collector.active_children.rbegin();
    test::BackgroundCall collecting{[&collector] { collector.collect_children(false); },
                                    "collect_children(false)"};
    ExitAllOnExit exit_all{children};
    EXPECT_FALSE(collecting.finishes_within(common::Seconds{0.3}))
        << "collect_children() returned at once while max_children (2) children were running: "
           "at the limit, it should first wait for one of them to exit, so that the server "
           "makes no third one";
    for (std::size_t i = 0; i < 2; ++i) {
        if (children[i].pid == last) {
            children[i].exit_with(0);
        }
    }
    if (!collecting.finishes_within(common::Seconds{5.0})) {
        children.exit_all();
        ASSERT_TRUE(collecting.finishes_within());
        FAIL() << "at the limit, child " << last << " exited, and collect_children() went on "
               << "waiting until child " << first << " exited too: wait for any child "
               << "(waitpid(-1, ...)), whichever ends first";
    }
    EXPECT_EQ(collector.active_children, std::set<pid_t>{first})
        << "child " << last << " exited and " << first << " still runs: active_children should "
        << "hold " << first << " alone, not " << describe(collector.active_children);
    EXPECT_FALSE(is_zombie_child(last)) << "child " << last << " is still a zombie";
}

TEST(CollectChildren, WithNoChildAtAllTheSetIsEmptied) {
    // In a process of its own, which has no children at all: there
    // waitpid(-1, ...) fails with ECHILD. A collect_children() that asks
    // again for ever is killed after 5 s.
    const pid_t sandbox = ::fork();
    ASSERT_GE(sandbox, 0) << "fork failed";
    if (sandbox == 0) {
        ::alarm(test::children::child_lifetime_seconds);
        int status = 100;
        try {
            ChildCollector collector;
            collector.max_children = 2;
            collector.active_children = {1, ::getppid()};  // no children of the sandbox
            collector.collect_children(false);
            status = static_cast<int>(collector.active_children.size());
        } catch (...) {
            status = 101;
        }
        ::_exit(status);
    }
    const bool ended = wait_until_ended(sandbox, common::Seconds{5.0});
    // Still running after 5 s: killed at once.
    auto status = test::end_and_collect(sandbox, ended ? test::default_timeout : common::Seconds{0});
    ASSERT_TRUE(status.has_value());
    ASSERT_TRUE(ended) << "with max_children 2, two pids recorded that are no children, and no "
                          "child at all, collect_children() never returned (killed after 5 s): "
                          "waitpid(-1, ...) fails with ECHILD there, and then nothing can ever "
                          "be waited for. Empty active_children, which ends the loop.";
    ASSERT_TRUE(WIFEXITED(*status)) << "the process calling collect_children() "
                                    << describe_status(*status);
    EXPECT_NE(WEXITSTATUS(*status), 101) << "collect_children() threw";
    EXPECT_EQ(WEXITSTATUS(*status), 0)
        << "with no child at all (waitpid(-1, ...) says ECHILD), collect_children() returned "
        << "with " << WEXITSTATUS(*status) << " pids still in active_children: none of them "
        << "is a child, so the set should be emptied";
}

TEST(CollectChildren, APidThatIsNoChildIsDropped) {
    Children children{1};
    ChildCollector collector;
    collector.active_children = {1, children[0].pid};  // pid 1 is init, no child of ours
    test::BackgroundCall collecting{[&collector] { collector.collect_children(false); },
                                    "collect_children(false)"};
    ExitAllOnExit exit_all{children};
    ASSERT_TRUE(collecting.finishes_within(common::Seconds{5.0}))
        << "collect_children(false) did not return within 5 s";
    EXPECT_EQ(collector.active_children, std::set<pid_t>{children[0].pid})
        << "pid 1 is no child of this process (waitpid(1, ...) fails with ECHILD: someone else "
           "collected it, or it never was one) and should be dropped; child "
        << children[0].pid << " runs and should stay. active_children holds "
        << describe(collector.active_children);
}

TEST(CollectChildren, BlockingWaitsForEveryChild) {
    Children children{2};
    ChildCollector collector;
    collector.active_children = children.pids();
    test::BackgroundCall collecting{[&collector] { collector.collect_children(true); },
                                    "collect_children(true)"};
    ExitAllOnExit exit_all{children};
    EXPECT_FALSE(collecting.finishes_within(common::Seconds{0.3}))
        << "collect_children(true) returned at once while 2 children were running: blocking, "
           "it should wait for each (what server_close() needs)";
    children[0].exit_with(0);
    EXPECT_FALSE(collecting.finishes_within(common::Seconds{0.3}))
        << "collect_children(true) returned when child " << children[0].pid
        << " exited, while child " << children[1].pid << " was still running";
    children[1].exit_with(0);
    ASSERT_TRUE(collecting.finishes_within())
        << "both children exited, and collect_children(true) did not return";
    EXPECT_TRUE(collector.active_children.empty())
        << "every child was collected: active_children should be empty, not "
        << describe(collector.active_children);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_FALSE(is_child_of_this_process(children[i].pid))
            << "child " << children[i].pid << " was not collected (it is a zombie)";
    }
}

}  // namespace
