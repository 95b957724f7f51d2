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

/// \brief Captures what this process writes to one of its descriptors
/// (stdout or stderr) while alive, into a file: CaptureStdout, CaptureStderr.
///
/// Redirects the descriptor itself, so it also catches writes that bypass
/// `std::cout` and `std::cerr`, and those of children forked meanwhile,
/// which share the file: it is opened with `O_APPEND`, so that their
/// writes land one after another instead of over each other. ctest runs
/// each test in a process of its own, so this does not steal another
/// test's output.
class CaptureOutput {
public:
    /// \param fd the descriptor to capture: STDOUT_FILENO or STDERR_FILENO
    explicit CaptureOutput(int fd);
    ~CaptureOutput();
    CaptureOutput(const CaptureOutput&) = delete;
    CaptureOutput& operator=(const CaptureOutput&) = delete;

    /// \brief Everything written so far (the descriptor stays captured).
    std::string text() const;

private:
    int fd_;
    std::filesystem::path file_;
    common::FileDescriptor saved_;  // the real descriptor, restored on destruction
};

/// \brief Captures stdout (fd 1) while alive; see CaptureOutput.
class CaptureStdout : public CaptureOutput {
public:
    CaptureStdout();
};

/// \brief Captures stderr (fd 2) while alive; see CaptureOutput.
class CaptureStderr : public CaptureOutput {
public:
    CaptureStderr();
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
