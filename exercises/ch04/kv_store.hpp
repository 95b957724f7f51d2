/// \file
/// \brief Exercise 4.3 (given: read it, do not edit it): a small key-value
/// store served over a line protocol, on top of StreamRequestHandler; you
/// write execute() and the handler's handle() in kv_store.cpp.
///
/// Book: "Exercise 4.3: a key-value store over a line protocol".
/// Check: `./course check ch04 kv_store`.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ch04/socketserver.hpp"
#include "common/seconds.hpp"

namespace sockserv::ch04::exercises {

/// \brief The data: keys and their values, shared by every connection of
/// a server.
///
/// Safe to share between threads: chapter 5's servers run handlers on
/// threads of their own, and they will all reach the same Store.
class Store {
public:
    /// \brief Sets \p key to \p value, replacing any value it had.
    /// \param key   the key
    /// \param value its new value
    void set(const std::string& key, std::string value) {
        std::lock_guard lock{mutex_};
        values_[key] = std::move(value);
    }
    /// \brief The value of \p key.
    /// \param key the key
    /// \return its value, or nothing when the key is not there
    [[nodiscard]] std::optional<std::string> get(const std::string& key) const {
        std::lock_guard lock{mutex_};
        auto found = values_.find(key);
        return found == values_.end() ? std::nullopt : std::optional{found->second};
    }
    /// \brief Removes \p key.
    /// \param key the key
    /// \return true if it was there
    bool erase(const std::string& key) {
        std::lock_guard lock{mutex_};
        return values_.erase(key) > 0;
    }
    /// \brief How many keys there are.
    /// \return the number of keys
    [[nodiscard]] std::size_t size() const {
        std::lock_guard lock{mutex_};
        return values_.size();
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> values_;
};

/// \brief Your part, 1 of 2: carries out one command on \p store and
/// returns the reply.
///
/// \p command is one line of the protocol without its line end. A command
/// is a name in capitals, then its arguments, each after one space:
///
/// | command           | does                                   | reply                              |
/// | ----------------- | -------------------------------------- | ---------------------------------- |
/// | `SET key value`   | sets key to value                      | `OK`                               |
/// | `GET key`         | nothing                                | `VALUE value`, or `NOT FOUND`      |
/// | `DEL key`         | removes key                            | `OK`, or `NOT FOUND` if it was not there |
///
/// - A key is one word: at least one byte, no space.
/// - A value is the rest of the line after the space that follows the
///   key, spaces included, and may be empty: `SET k a b` sets k to `a b`;
///   `SET k ` (with the space) sets k to the empty value.
/// - An unknown name (anything but `SET`, `GET` and `DEL`, so also `get`,
///   an empty line, or a line starting with a space): `ERROR unknown command`.
/// - A known name with the wrong arguments (no key, an empty key, a `SET`
///   without the space before its value, anything after the key of `GET`
///   or `DEL`): `ERROR usage: SET key value`, `ERROR usage: GET key` or
///   `ERROR usage: DEL key`. A command answered with an error changes nothing.
///
/// Why `VALUE value` rather than the bare value: a reply must never be
/// mistaken for another. A value may well be the text `NOT FOUND`.
/// \param store   the data
/// \param command one command line, without `\n` (and without `\r`)
/// \return the reply line, without `\n`
// [execute]
std::string execute(Store& store, std::string_view command);
// [execute]

/// \brief A handler that serves the store's protocol, one command per
/// line, until the client closes its side.
class KeyValueHandler : public StreamRequestHandler {
public:
    /// \brief The longest line the handler accepts, its `\n` included.
    ///
    /// Small, so that a reply to a long line costs a test little; a real
    /// server would allow a few KiB.
    static constexpr std::size_t max_line = 256;

    /// \brief A stream handler for \p store, whose connection has \p timeout.
    /// \param request        the connection
    /// \param client_address the client's address
    /// \param server         the server
    /// \param store          the data, shared with every other connection
    /// \param timeout        how long a read may wait for the client (see
    ///        StreamRequestHandler::timeout); empty: for ever
    KeyValueHandler(Request& request, common::Address client_address, BaseServer& server,
                    Store& store, std::optional<common::Seconds> timeout)
        : StreamRequestHandler(request, std::move(client_address), server), store(store) {
        this->timeout = timeout;
    }

    /// \brief Your part, 2 of 2: reads command lines from `rfile` and
    /// writes each reply, with its `\n`, to `wfile`, until the client
    /// closes its side.
    ///
    /// - Read each line with `rfile.readline(max_line)`. A line ends with
    ///   `\n`, or `\r\n` (what telnet and `nc -C` send): the line end is
    ///   not part of the command.
    /// - A line whose first #max_line bytes hold no `\n` is too long. It is
    ///   answered with `ERROR line too long` as soon as those #max_line
    ///   bytes have come, without waiting for the rest. The rest of that
    ///   line, as it comes, is read and thrown away, in pieces of at most
    ///   #max_line bytes; then the next line is a command again. The
    ///   connection goes on.
    /// - A last line without `\n` (the client closed its side in the middle
    ///   of it) is a command like any other, and answered.
    /// - Every other line goes to execute(), and its reply back to the
    ///   client before the next line is read.
    ///
    /// The limit is what keeps a server alive: without it, a client that
    /// sends a gigabyte without a `\n` makes readline() keep all of it.
    // [handle]
    void handle() override;
    // [handle]

protected:
    /// \brief The data, shared by every connection of the server.
    Store& store;
};

/// \brief A factory for servers: one KeyValueHandler per connection, all
/// on the same \p store.
///
/// Python would set a class attribute for the store; a C++ factory lambda
/// captures it instead (see HandlerFactory).
/// \param store   the data; must outlive the server
/// \param timeout the connection timeout of every handler
/// \return the factory, for a server's constructor
inline HandlerFactory key_value_handler(Store& store,
                                        std::optional<common::Seconds> timeout = std::nullopt) {
    return [&store, timeout](Request& request, const common::Address& client_address,
                             BaseServer& server) {
        return std::make_unique<KeyValueHandler>(request, client_address, server, store, timeout);
    };
}

}  // namespace sockserv::ch04::exercises
