// throw_system_error and describe_current_exception: how failures read.
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace {

using namespace sockserv::common;

// The system_error that f throws.
template <class F>
std::system_error caught(F f) {
    try {
        f();
    } catch (const std::system_error& error) {
        return error;
    }
    ADD_FAILURE() << "nothing was thrown";
    return std::system_error{std::error_code{}};
}

TEST(ThrowSystemError, NamesTheCallTheSubjectAndTheReason) {
    auto error = caught([] { throw_system_error(EADDRINUSE, "bind", "127.0.0.1:9999"); });

    EXPECT_EQ(error.code(), std::errc::address_in_use);
    EXPECT_EQ(error.code().category(), std::system_category());
    EXPECT_EQ(std::string{error.what()},
              "bind 127.0.0.1:9999: " + std::generic_category().message(EADDRINUSE));
}

TEST(ThrowSystemError, WithoutASubjectNamesTheCall) {
    auto error = caught([] { throw_system_error(EINVAL, "listen"); });

    EXPECT_EQ(std::string{error.what()}, "listen: " + std::generic_category().message(EINVAL));
}

TEST(ThrowSystemError, UsesErrnoWhenNoErrorIsGiven) {
    auto error = caught([] {
        errno = ENOENT;
        throw_system_error("open", "/nowhere");
    });

    EXPECT_EQ(error.code(), std::errc::no_such_file_or_directory);
}

namespace custom {
struct Trouble : std::logic_error {
    using std::logic_error::logic_error;
};
}  // namespace custom

// What describe_current_exception() says about what f throws.
template <class F>
std::string described(F f) {
    try {
        f();
    } catch (...) {
        return describe_current_exception();
    }
    return "(nothing thrown)";
}

TEST(DescribeCurrentException, GivesTheReadableTypeAndTheMessage) {
    EXPECT_EQ(described([] { throw std::runtime_error("it broke"); }),
              "std::runtime_error: it broke");
}

TEST(DescribeCurrentException, NamesTheDynamicTypeOfADerivedException) {
    EXPECT_EQ(described([] { throw custom::Trouble("deep"); }),
              "(anonymous namespace)::custom::Trouble: deep");
}

TEST(DescribeCurrentException, ASystemErrorKeepsItsWholeMessage) {
    auto text = described([] { throw_system_error(ECONNRESET, "recv"); });

    EXPECT_EQ(text, "std::system_error: recv: " + std::generic_category().message(ECONNRESET));
}

TEST(DescribeCurrentException, OutsideACatchBlockSaysSoInsteadOfTerminating) {
    // A handle_error() override called by mistake outside a catch block
    // must not end the whole server (a bare `throw;` would).
    EXPECT_EQ(describe_current_exception(), "no exception");
}

TEST(DescribeCurrentException, SomethingThatIsNotAnExceptionIsUnknown) {
    EXPECT_EQ(described([] { throw 42; }), "unknown exception");
}

}  // namespace
