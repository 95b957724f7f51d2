// FileDescriptor: one owner, one close.
#include <type_traits>
#include <utility>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/file_descriptor.hpp"
#include "support/process.hpp"

namespace {

using sockserv::common::FileDescriptor;
using sockserv::test::open_fd_count;

int open_dev_null() {
    return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

TEST(FileDescriptor, IsMoveOnly) {
    static_assert(!std::is_copy_constructible_v<FileDescriptor>);
    static_assert(!std::is_copy_assignable_v<FileDescriptor>);
    static_assert(std::is_nothrow_move_constructible_v<FileDescriptor>);
}

TEST(FileDescriptor, ClosesWhatItOwnsWhenDestroyed) {
    auto before = open_fd_count();
    {
        FileDescriptor fd{open_dev_null()};
        ASSERT_TRUE(fd.is_open());
        EXPECT_EQ(open_fd_count(), before + 1);
    }
    EXPECT_EQ(open_fd_count(), before);
}

TEST(FileDescriptor, MovingLeavesTheSourceEmptyAndClosesOnce) {
    auto before = open_fd_count();
    {
        FileDescriptor first{open_dev_null()};
        const int number = first.get();
        FileDescriptor second = std::move(first);
        EXPECT_EQ(second.get(), number);
        EXPECT_EQ(first.get(), -1);  // NOLINT(bugprone-use-after-move)
        EXPECT_FALSE(first.is_open());
    }
    EXPECT_EQ(open_fd_count(), before);
}

TEST(FileDescriptor, MoveAssignmentClosesTheOldDescriptor) {
    auto before = open_fd_count();
    FileDescriptor kept{open_dev_null()};
    FileDescriptor target{open_dev_null()};
    ASSERT_EQ(open_fd_count(), before + 2);

    target = std::move(kept);

    EXPECT_EQ(open_fd_count(), before + 1);
}

TEST(FileDescriptor, ReleaseGivesUpOwnershipWithoutClosing) {
    auto before = open_fd_count();
    int number;
    {
        FileDescriptor fd{open_dev_null()};
        number = fd.release();
        EXPECT_FALSE(fd.is_open());
    }
    EXPECT_EQ(open_fd_count(), before + 1) << "release() closed the descriptor";
    ::close(number);
}

TEST(FileDescriptor, AnEmptyOneClosesNothing) {
    auto before = open_fd_count();
    {
        FileDescriptor empty;
        EXPECT_EQ(empty.get(), -1);
        empty.close();
    }
    EXPECT_EQ(open_fd_count(), before);
}

}  // namespace
