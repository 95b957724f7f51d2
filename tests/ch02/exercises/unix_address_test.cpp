// Tests of exercise 2.3: unix_address() (exercises/ch02/unix_address.cpp).
//
// Each address is put to use: a real Unix socket is bound to it in a
// fresh directory, and the test looks at which file appeared and at what
// the kernel reports back with getsockname(). Paths too long, empty or
// holding a NUL must be refused, with the exception the header names.
#include <cstddef>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/error.hpp"
#include "common/socket.hpp"
#include "support/process.hpp"
#include "unix_address.hpp"

namespace {

using namespace sockserv;
using ch02::exercises::PathTooLong;
using ch02::exercises::unix_address;

namespace fs = std::filesystem;

// The most bytes a path may have: sun_path, less one byte for the NUL.
constexpr std::size_t limit = sizeof(sockaddr_un{}.sun_path) - 1;

// A path in \p dir of exactly \p length bytes, its file name padded with 'x'.
std::string path_of_length(const test::TempDir& dir, std::size_t length) {
    std::string path = dir.path().string() + "/s";
    if (path.size() > length) {
        throw std::logic_error("the temporary directory's path is too long for this test");
    }
    path.resize(length, 'x');
    return path;
}

// What unix_address() did with one path: returned an address, or threw.
struct Outcome {
    std::optional<common::Address> address;
    bool too_long = false;          // PathTooLong
    std::optional<PathTooLong> too_long_error;
    bool invalid = false;           // std::invalid_argument
    std::string other_error;        // anything else
};

Outcome attempt(std::string_view path) {
    Outcome outcome;
    try {
        outcome.address = unix_address(path);
    } catch (const PathTooLong& error) {
        outcome.too_long = true;
        outcome.too_long_error = error;
    } catch (const std::invalid_argument&) {
        outcome.invalid = true;
    } catch (...) {
        outcome.other_error = common::describe_current_exception();
    }
    return outcome;
}

std::string show(const Outcome& outcome) {
    if (outcome.too_long) {
        return "it threw PathTooLong";
    }
    if (outcome.invalid) {
        return "it threw std::invalid_argument";
    }
    if (!outcome.other_error.empty()) {
        return "it threw " + outcome.other_error;
    }
    const common::Address& address = *outcome.address;
    if (address.size() == 0) {
        return "it returned an empty common::Address (no family, size 0)";
    }
    if (address.family() == AF_UNSPEC) {
        return "it returned an address of family AF_UNSPEC (" + std::to_string(address.size()) +
               " bytes), not AF_UNIX";
    }
    if (address.family() != AF_UNIX) {
        return "it returned an address that is not AF_UNIX (" + address.to_string() + ")";
    }
    return "it returned an address for the path \"" + address.host() + "\" (" +
           std::to_string(address.host().size()) + " bytes)";
}

// Binds a Unix datagram socket to unix_address(\p path) and checks that
// the socket file is exactly \p path, as the kernel reports it too.
testing::AssertionResult binds_at(std::string_view path) {
    Outcome outcome = attempt(path);
    auto failure = [&] {
        return testing::AssertionFailure() << "unix_address() of the " << path.size()
                                           << "-byte path \"" << path << "\": ";
    };
    if (!outcome.address) {
        return failure() << "expected an address, but " << show(outcome);
    }
    const common::Address& address = *outcome.address;
    if (address.family() != AF_UNIX) {
        return failure() << show(outcome)
                         << ". Set sun_family to AF_UNIX, and pass the whole sockaddr_un to "
                            "common::Address::from_sockaddr() with its size.";
    }
    common::Socket socket = common::Socket::open(AF_UNIX, SOCK_DGRAM);
    try {
        socket.bind(address);
    } catch (const std::system_error& error) {
        return failure() << "bind() to the address it returned failed: " << error.what();
    }
    const std::string wanted{path};
    if (!fs::is_socket(fs::symlink_status(wanted))) {
        std::string made = socket.local_address().host();
        auto result = failure() << "bind() to the address it returned made no socket file at "
                                   "that path: it made \"" << made << "\" (" << made.size()
                                << " bytes) instead. ";
        if (made.size() < wanted.size() && wanted.starts_with(made)) {
            return result << "The size given with the sockaddr_un tells the kernel how many "
                             "bytes count, and it stopped short: make it "
                             "offsetof(sockaddr_un, sun_path) + path.size() + 1.";
        }
        return result << "Copy exactly path.size() bytes of the path: a string_view need not "
                         "end with a NUL, and strcpy() would copy on past its end.";
    }
    std::string bound = socket.local_address().host();
    if (bound != wanted) {
        return failure() << "the socket was bound to \"" << bound << "\" (" << bound.size()
                         << " bytes) instead. Copy every byte of the path into sun_path.";
    }
    return testing::AssertionSuccess();
}

TEST(UnixAddress, BindsASocketAtThePath) {
    test::TempDir dir;
    EXPECT_TRUE(binds_at((dir / "echo.sock").string()));
}

TEST(UnixAddress, KeepsEveryByteOfThePath) {
    // Spaces, commas, '@' and non-ASCII bytes are all ordinary in a file name.
    test::TempDir dir;
    EXPECT_TRUE(binds_at((dir / "gr\u00fc\u00dfe, welt @ 1.sock").string()));
}

TEST(UnixAddress, TakesOnlyTheBytesOfTheStringView) {
    test::TempDir dir;
    const std::string socket_path = (dir / "view.sock").string();
    const std::string longer = socket_path + "-and-more-that-is-not-part-of-the-path";
    std::string_view view{longer.data(), socket_path.size()};  // not NUL-terminated
    EXPECT_TRUE(binds_at(view))
        << " (the string_view covers the first " << view.size() << " bytes of a longer string)";
}

TEST(UnixAddress, AcceptsTheLongestPathThatFits) {
    test::TempDir dir;
    const std::string longest = path_of_length(dir, limit);
    EXPECT_TRUE(binds_at(longest))
        << " (" << limit << " bytes: the path and its NUL fill sun_path exactly, which is "
        << "allowed)";
}

TEST(UnixAddress, IsTheAddressTheKernelReportsBack) {
    test::TempDir dir;
    const std::string path = (dir / "same.sock").string();
    Outcome outcome = attempt(path);
    ASSERT_TRUE(outcome.address && outcome.address->family() == AF_UNIX)
        << "unix_address() of \"" << path << "\": expected an AF_UNIX address, but "
        << show(outcome);
    const common::Address& made = *outcome.address;

    common::Socket socket = common::Socket::open(AF_UNIX, SOCK_STREAM);
    try {
        socket.bind(made);
    } catch (const std::system_error& error) {
        FAIL() << "bind() to the address unix_address() returned failed: " << error.what();
    }
    common::Address reported = socket.local_address();
    EXPECT_TRUE(made == reported)
        << "unix_address() says the address is " << made.size()
        << " bytes long, but for the same path getsockname() reports " << reported.size()
        << " bytes, so the two do not compare equal (and code that compares a server's address "
           "with the one a client sees would be wrong). The size counts the bytes before "
           "sun_path, the path, and its NUL: offsetof(sockaddr_un, sun_path) + path.size() + 1.";
}

TEST(UnixAddress, RefusesAPathOneByteTooLong) {
    test::TempDir dir;
    const std::string path = path_of_length(dir, limit + 1);
    Outcome outcome = attempt(path);
    ASSERT_TRUE(outcome.too_long)
        << "a path of " << path.size() << " bytes leaves no room in sun_path ("
        << sizeof(sockaddr_un{}.sun_path) << " bytes) for its NUL: expected PathTooLong, but "
        << show(outcome)
        << (outcome.address && outcome.address->family() == AF_UNIX &&
                    outcome.address->host().size() < path.size()
                ? ". A shortened path names another file: never cut it, refuse it."
            : !outcome.other_error.empty()
                ? ". Throw PathTooLong{std::string{path}, limit}, the exception the header names."
                : ". The limit is sizeof(sun_path) - 1: one byte is kept for the NUL.");
    EXPECT_EQ(outcome.too_long_error->path(), path)
        << "PathTooLong should carry the path that was refused, whole";
    EXPECT_EQ(outcome.too_long_error->limit(), limit)
        << "PathTooLong should carry the limit: sizeof(sun_path) - 1, one byte being kept for "
           "the NUL";
}

TEST(UnixAddress, RefusesAVeryLongPath) {
    test::TempDir dir;
    const std::string path = dir.path().string() + "/" + std::string(300, 'y');
    Outcome outcome = attempt(path);
    EXPECT_TRUE(outcome.too_long)
        << "a path of " << path.size() << " bytes cannot fit in sun_path ("
        << sizeof(sockaddr_un{}.sun_path) << " bytes): expected PathTooLong, but "
        << show(outcome);
}

TEST(UnixAddress, RefusesAnEmptyPath) {
    Outcome outcome = attempt("");
    EXPECT_TRUE(outcome.invalid)
        << "an empty path names no file: expected std::invalid_argument, but " << show(outcome);
}

TEST(UnixAddress, RefusesAPathWithANulByte) {
    test::TempDir dir;
    const std::string inside = (dir / "a").string() + std::string(1, '\0') + "b.sock";
    Outcome outcome = attempt(inside);
    EXPECT_TRUE(outcome.invalid)
        << "the path \"" << dir.path().string()
        << "/a\\0b.sock\" holds a NUL byte, where the kernel would stop reading (and bind \"a\" "
           "instead): expected std::invalid_argument, but "
        << show(outcome);

    const std::string leading = std::string(1, '\0') + "abstract";
    outcome = attempt(leading);
    EXPECT_TRUE(outcome.invalid)
        << "the path \"\\0abstract\" starts with a NUL byte, which Linux reads as a name in its "
           "abstract namespace, not as a file: expected std::invalid_argument, but "
        << show(outcome);
}

}  // namespace
