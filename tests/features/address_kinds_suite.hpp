/// \file
/// \brief From chapter 2 on, a server class takes only the kind of address
/// it can bind: `AddressKinds`, over every class.
///
/// Chapter 1's TCPServer opened a socket of whatever family the address
/// had; once there are inet and Unix classes, each refuses the other's
/// addresses before it makes a socket.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "support/handlers.hpp"
#include "support/process.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"

namespace sockserv::test {

template <class Server>
class AddressKinds : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(AddressKinds);

TYPED_TEST_P(AddressKinds, AnAddressOfTheWrongKindThrowsInvalidArgumentAndLeaksNothing) {
    // A path means nothing to an inet socket and HOST:PORT nothing to a
    // Unix one. Python would fail inside bind() with a TypeError; here the
    // constructor says which class wanted which kind of address, before
    // any socket exists, whether or not it was asked to bind.
    const auto wrong = this->wrong_address();
    const auto fds_before = open_fd_count();

    for (bool bind_and_activate : {true, false}) {
        try {
            TypeParam server{wrong, handler_factory<UpperEcho, TypeParam>(), bind_and_activate};
            ADD_FAILURE() << kind_of<TypeParam>.name << " accepted " << wrong;
        } catch (const std::invalid_argument& error) {
            const std::string what = error.what();
            EXPECT_NE(what.find(kind_of<TypeParam>.name), std::string::npos) << what;
            EXPECT_NE(what.find(wrong.to_string()), std::string::npos) << what;
        }
    }

    EXPECT_EQ(open_fd_count(), fds_before);
    EXPECT_TRUE(std::filesystem::is_empty(this->directory.path())) << "a socket file was made";
}

REGISTER_TYPED_TEST_SUITE_P(AddressKinds,
                            AnAddressOfTheWrongKindThrowsInvalidArgumentAndLeaksNothing);

}  // namespace sockserv::test
