/// \file
/// \brief UnixStreamServer and UnixDatagramServer, as chapter 2 made them:
/// a filesystem path instead of HOST:PORT. The path is server_address;
/// binding a path that exists fails; a path longer than sun_path is
/// refused, never truncated; server_close() leaves the file behind, as in
/// Python. `UnixServer`, over every chapter's Unix classes.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "common/address.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

inline bool is_socket_file(const std::filesystem::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode);
}

template <class Server>
class UnixServer : public ServerTest<Server> {
protected:
    // The system_error that making a server of this kind on path throws.
    std::system_error bind_error(const std::filesystem::path& path) {
        try {
            Server server{common::Address::unix_path(path.string()), handler_factory<UpperEcho, Server>()};
        } catch (const std::system_error& error) {
            return error;
        }
        ADD_FAILURE() << "binding " << path << " succeeded";
        return std::system_error{std::error_code{}};
    }
};
TYPED_TEST_SUITE_P(UnixServer);

TYPED_TEST_P(UnixServer, ServerAddressIsThePathAndTheFileIsASocket) {
    const auto path = this->directory / "server.sock";
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());

    EXPECT_EQ(server->server_address.family(), AF_UNIX);
    EXPECT_EQ(server->server_address.host(), path.string());
    EXPECT_EQ(server->server_address.to_string(), path.string());
    EXPECT_TRUE(is_socket_file(path)) << path << " is not a socket";
    ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

TYPED_TEST_P(UnixServer, ServerBindMakesTheFile) {
    // Made with bind_and_activate=false: no file until server_bind().
    const auto path = this->directory / "s.sock";
    TypeParam server{common::Address::unix_path(path.string()),
                     handler_factory<UpperEcho, TypeParam>(), false};

    EXPECT_FALSE(std::filesystem::exists(path));
    server.server_bind();
    EXPECT_TRUE(is_socket_file(path));
    EXPECT_EQ(server.server_address.host(), path.string());
}

TYPED_TEST_P(UnixServer, BindingAPathWhereAFileExistsFailsWithAddressInUseAndKeepsTheFile) {
    // bind(2) creates the socket file and never replaces what is there,
    // even a file that is not a socket. The error names the path.
    const auto path = this->directory / "taken";
    std::ofstream{path} << "precious";

    auto error = this->bind_error(path);

    EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();
    EXPECT_NE(std::string{error.what()}.find(path.string()), std::string::npos) << error.what();
    std::ifstream kept{path};
    std::stringstream contents;
    contents << kept.rdbuf();
    EXPECT_EQ(contents.str(), "precious") << "the existing file was touched";
}

TYPED_TEST_P(UnixServer, ServerCloseLeavesTheSocketFileAndTheNextBindFailsUntilItIsRemoved) {
    // As in Python: server_close() closes the socket but does not unlink
    // the path. The stale file keeps the path taken until someone removes
    // it (the demo does, for the file it made).
    const auto path = this->directory / "server.sock";
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    server->server_close();

    EXPECT_TRUE(is_socket_file(path)) << "server_close() removed the socket file";
    if constexpr (kind_of<TypeParam>.datagram) {
        DatagramClient client{server->server_address, this->directory / "client.sock"};
        try {
            client.send("anyone there?");
            ADD_FAILURE() << "a datagram to a closed server's path was accepted";
        } catch (const std::system_error& error) {
            EXPECT_EQ(error.code(), std::errc::connection_refused) << error.what();
        }
    } else {
        EXPECT_EQ(connect_error(server->server_address), std::errc::connection_refused);
    }
    auto error = this->bind_error(path);
    EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();

    std::filesystem::remove(path);
    auto restarted = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*restarted};
    EXPECT_TRUE(this->answers(restarted->server_address));
}

TYPED_TEST_P(UnixServer, DestroyingTheServerLeavesTheSocketFile) {
    // The destructor does what server_close() does, and no more.
    const auto path = this->directory / "server.sock";

    this->make_server(handler_factory<UpperEcho, TypeParam>()).reset();

    EXPECT_TRUE(is_socket_file(path));
}

TYPED_TEST_P(UnixServer, APathInADirectoryThatDoesNotExistFailsNamingThePath) {
    const auto path = this->directory / "no-such-directory" / "server.sock";
    const auto fds_before = open_fd_count();

    auto error = this->bind_error(path);

    EXPECT_EQ(error.code(), std::errc::no_such_file_or_directory) << error.what();
    EXPECT_NE(std::string{error.what()}.find(path.string()), std::string::npos) << error.what();
    EXPECT_EQ(open_fd_count(), fds_before) << "the failed server leaked its socket";
}

// A path of exactly `length` bytes inside directory; none if the directory's
// own name is already too long for that (an unusual TMPDIR).
inline std::optional<std::string> path_of_length(const std::filesystem::path& directory,
                                          std::size_t length) {
    std::string path = directory.string() + "/";
    if (path.size() >= length) {
        return std::nullopt;
    }
    path += std::string(length - path.size(), 'x');
    return path;
}

TYPED_TEST_P(UnixServer, APathLongerThanSunPathIsRefusedNamingTheLimitAndNothingIsCreated) {
    // sockaddr_un's sun_path holds 108 bytes on Linux, the last one for the
    // terminating NUL. A longer path must not be cut to fit: the server
    // would then bind, and a client find, some other file.
    const auto long_path = path_of_length(this->directory.path(), 120);
    if (!long_path) {
        GTEST_SKIP() << "the temporary directory's name alone is 120 bytes or more";
    }
    const std::string& path = *long_path;

    try {
        TypeParam server{common::Address::unix_path(path), handler_factory<UpperEcho, TypeParam>()};
        FAIL() << "a " << path.size() << "-byte path was accepted";
    } catch (const common::AddressError& error) {
        EXPECT_STREQ(error.what(), "path is 120 bytes, the limit is 107");
    }

    EXPECT_TRUE(std::filesystem::is_empty(this->directory.path()))
        << "something was bound under a truncated name";
}

TYPED_TEST_P(UnixServer, APathOfExactlyTheLimitIsBoundWhole) {
    const auto longest_path = path_of_length(this->directory.path(), 107);
    if (!longest_path) {
        GTEST_SKIP() << "the temporary directory's name alone is 107 bytes or more";
    }
    const std::string& path = *longest_path;

    TypeParam server{common::Address::unix_path(path), handler_factory<UpperEcho, TypeParam>()};

    EXPECT_EQ(server.server_address.host(), path);
    EXPECT_TRUE(is_socket_file(path));
    ServerThread serving{server};
    EXPECT_TRUE(this->answers(server.server_address));
    EXPECT_THROW(common::Address::unix_path(path + "x"), common::AddressError)
        << "one byte more is over the limit";
}

REGISTER_TYPED_TEST_SUITE_P(UnixServer,
                            ServerAddressIsThePathAndTheFileIsASocket,
                            ServerBindMakesTheFile,
                            BindingAPathWhereAFileExistsFailsWithAddressInUseAndKeepsTheFile,
                            ServerCloseLeavesTheSocketFileAndTheNextBindFailsUntilItIsRemoved,
                            DestroyingTheServerLeavesTheSocketFile,
                            APathInADirectoryThatDoesNotExistFailsNamingThePath,
                            APathLongerThanSunPathIsRefusedNamingTheLimitAndNothingIsCreated,
                            APathOfExactlyTheLimitIsBoundWhole);

}  // namespace sockserv::test
