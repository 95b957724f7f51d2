/// \file
/// \brief What a test checks about its own process: open files, stderr.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/file_descriptor.hpp"

namespace sockserv::test {

/// \brief How many file descriptors this process has open now.
///
/// Compare before and after: a difference is a leak.
std::size_t open_fd_count();

/// \brief Captures what this process writes to stderr (fd 2) while alive.
///
/// Redirects the descriptor itself, so it also catches writes that bypass
/// `std::cerr`. ctest runs each test in a process of its own, so this does
/// not steal another test's output.
class CaptureStderr {
public:
    CaptureStderr();
    ~CaptureStderr();
    CaptureStderr(const CaptureStderr&) = delete;
    CaptureStderr& operator=(const CaptureStderr&) = delete;

    /// \brief Everything written so far (stderr stays captured).
    std::string text() const;

private:
    std::filesystem::path file_;
    common::FileDescriptor saved_;  // the real stderr, restored on destruction
};

/// \brief A fresh directory for one test's Unix sockets and files,
/// removed with everything in it when the test ends.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// \brief The directory.
    const std::filesystem::path& path() const { return path_; }
    /// \brief A path for \p name inside it.
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace sockserv::test
