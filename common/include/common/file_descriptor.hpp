/// \file
/// \brief A move-only owner of one file descriptor.
#pragma once

namespace sockserv::common {

/// \brief Owns one open file descriptor and closes it exactly once.
///
/// Copying is forbidden (two owners would close the same number twice, and
/// the second close could hit an unrelated file opened in between); moving
/// hands the descriptor over and leaves the source empty (`-1`).
///
/// \see \ref part-ch00, which teaches this layer:
/// \ref ch00-file-descriptor.
class FileDescriptor {
public:
    /// \brief An empty owner (`fd() == -1`).
    FileDescriptor() noexcept = default;
    /// \brief Takes ownership of \p fd.
    /// \param fd an open descriptor, or `-1` for an empty owner
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    /// \brief Closes the descriptor, if any.
    ~FileDescriptor() { close(); }

    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    /// \brief Takes the descriptor of \p other, leaving it empty.
    /// \param other the owner to take it from
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    /// \brief Closes ours, then takes the descriptor of \p other.
    /// \param other the owner to take it from; left empty
    /// \return `*this`
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;

    /// \brief The descriptor, for system calls; ownership stays here.
    /// \return the descriptor number, or `-1` when empty
    [[nodiscard]] int get() const noexcept { return fd_; }
    /// \brief Whether a descriptor is owned.
    /// \return true unless empty
    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
    /// \brief Gives up ownership without closing; the owner is left empty.
    /// \return the descriptor, now the caller's to close (or `-1`)
    int release() noexcept;
    /// \brief Closes the descriptor now; a no-op when empty.
    ///
    /// `close(2)` is not retried on EINTR: on Linux the descriptor is
    /// released even then, and a retry could close someone else's file.
    void close() noexcept;

private:
    int fd_ = -1;
};

}  // namespace sockserv::common
