/// \file
/// \brief What every chapter's echo-server demo shares: its command line,
/// its `listening on …` line, and its reaction to SIGINT and SIGTERM.
///
/// The contract these implement is the course's \ref demo-contract; a
/// chapter's demo only lists its server classes and the handler they serve
/// with.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "common/seconds.hpp"

namespace sockserv::common::demo {

/// \brief The listen backlog of the demo's stream servers.
///
/// The server classes keep Python's `request_queue_size = 5`; the demo
/// raises it so that a burst of 100 simultaneous clients is served rather
/// than left waiting for the kernel to retry their connection.
inline constexpr int listen_backlog = 128;

/// \brief Which kind of address a server class binds to.
enum class Family {
    inet,       ///< `HOST:PORT` (IPv4, `[IPv6]`, or a name)
    unix_path,  ///< a filesystem path
};

/// \brief The parsed command line.
///
/// \see \ref demo-contract, which every option follows.
struct Options {
    std::string class_name = "TCPServer";  ///< `--class`
    std::string bind;                      ///< `--bind`, as typed (empty: the default)
    Seconds poll_interval{0.5};            ///< `--poll-interval`
    int max_children = 40;                 ///< `--max-children`
};

/// \brief The four calls the demo makes on any server, whatever its class.
///
/// Chapters' server classes share no base class with each other (each
/// chapter is its own snapshot), so the demo reaches them through this
/// small interface; ServerOf adapts any class that has Python's names.
///
/// \see \ref demo-contract, what every demo does; \ref ch01-try-demo to run
/// one.
class Server {
public:
    /// \brief Destroys the server it wraps, which closes it.
    virtual ~Server() = default;
    /// \brief The server's `server_address`.
    /// \return where it actually listens (with the port the OS chose for 0)
    [[nodiscard]] virtual Address server_address() const = 0;
    /// \brief Calls the server's `serve_forever(poll_interval)`.
    /// \param poll_interval the longest single wait for a request
    virtual void serve_forever(Seconds poll_interval) = 0;
    /// \brief Calls the server's `shutdown()`; used from another thread.
    virtual void shutdown() = 0;
    /// \brief Calls the server's `server_close()`.
    virtual void server_close() = 0;
};

/// \brief Adapts a chapter's server class \p S to Server.
///
/// \see \ref demo-contract, what every demo does.
template <class S>
class ServerOf final : public Server {
public:
    /// \brief Takes ownership of \p server.
    /// \param server a chapter's server, already bound (and listening)
    explicit ServerOf(std::unique_ptr<S> server) : server_(std::move(server)) {}
    Address server_address() const override { return server_->server_address; }
    void serve_forever(Seconds poll_interval) override { server_->serve_forever(poll_interval); }
    void shutdown() override { server_->shutdown(); }
    void server_close() override { server_->server_close(); }

private:
    std::unique_ptr<S> server_;
};

/// \brief Wraps a chapter's server for run().
/// \tparam S the chapter's server class (deduced)
/// \param server the server, already bound (and listening)
/// \return the same server, seen through the Server interface
template <class S>
std::unique_ptr<Server> erase(std::unique_ptr<S> server) {
    return std::make_unique<ServerOf<S>>(std::move(server));
}

/// \brief One server class a demo offers under its Python name.
///
/// \see \ref demo-contract, where `--class` and `--list` are described.
struct ServerClass {
    std::string_view name;  ///< Python's name: `TCPServer`, `ThreadingUDPServer`…
    Family family;          ///< what `--bind` means for it
    /// \brief Creates the server, bound (and listening, for streams), at the
    /// address, with the options of the command line.
    ///
    /// Throws what binding throws; run() reports it as `cannot bind`.
    std::function<std::unique_ptr<Server>(const Address&, const Options&)> make;
};

/// \brief The whole demo program: parses \p argv, creates the chosen class,
/// prints `listening on ADDRESS`, serves until SIGINT or SIGTERM, then
/// shuts down cleanly.
///
/// \param argc    the number of command-line arguments, as main() has it
/// \param argv    the command-line arguments, as main() has them
/// \param program the name used in messages (`ch01_echo_server`)
/// \param classes the classes this chapter serves, the first is not special:
///        the default is always `TCPServer`
/// \return the exit status: 0 after a clean shutdown, 1 when the address
///         cannot be bound, 2 for a usage error
int run(int argc, char** argv, std::string_view program, std::span<const ServerClass> classes);

}  // namespace sockserv::common::demo
