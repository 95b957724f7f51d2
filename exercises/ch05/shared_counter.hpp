/// \file
/// \brief Exercise 5.3 (given: read it, do not edit it): HitCounter, a
/// count of hits by name that every request thread of a server updates,
/// and the handler that feeds it; you make HitCounter's four member
/// functions safe to call from many threads at once, in shared_counter.cpp.
///
/// Book: "Exercise 5.3: a shared counter, made safe".
/// Check: `./course check ch05 shared_counter`, then the same test under
/// ThreadSanitizer (the book's section says how).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "ch05/socketserver.hpp"

namespace sockserv::ch05::exercises {

/// \brief How many hits there were, of how many bytes, on how many names.
struct HitTotals {
    std::uint64_t hits = 0;   ///< every hit counted
    std::uint64_t bytes = 0;  ///< the bytes of those hits
    std::size_t names = 0;    ///< how many names have a count (since the last take())

    /// \brief Compares all three.
    friend bool operator==(const HitTotals&, const HitTotals&) = default;
};

/// \brief Hits counted by name: a small piece of state that every
/// request thread of a server shares.
///
/// Written for one thread, it is plain code; with a thread per request,
/// two handlers can call hit() at the same moment, and two unguarded
/// `++` on one count can make one increment out of two, or worse: a
/// `std::map` that two threads insert into at once can break apart. So
/// every member function holds #mutex for as long as it touches the
/// counts. One lock for all of them, rather than an atomic per number:
/// it keeps them consistent with each other (totals() never sees a hit
/// counted in #hits_ but not yet in #total_hits_), and a map cannot be
/// made atomic anyway.
class HitCounter {
public:
    /// \brief Counts one hit on \p name, of \p bytes bytes.
    /// \param name  what was hit
    /// \param bytes how many bytes the hit took
    /// \return how many hits \p name has had since the last take(), this
    ///         one included: 1 the first time. Two hits on one name never
    ///         return the same number.
    // [hit]
    std::uint64_t hit(const std::string& name, std::size_t bytes);
    // [hit]

    /// \brief How many hits \p name has had since the last take().
    /// \param name the name
    /// \return its count; 0 for a name never hit
    [[nodiscard]] std::uint64_t hits(const std::string& name) const;

    /// \brief Everything counted: all hits and bytes since the counter
    /// was made (take() does not reset them), and how many names have a
    /// count now.
    /// \return the totals
    [[nodiscard]] HitTotals totals() const;

    /// \brief Hands over every name's count and starts counting anew from
    /// zero: what a report that runs every minute would call.
    ///
    /// Every hit ends up in exactly one take(): none is counted twice,
    /// none is lost, even while other threads go on hitting.
    /// \return each name hit since the last take(), with its count
    // [take]
    std::map<std::string, std::uint64_t> take();
    // [take]

    /// \brief The lock that guards the three members below. Public so that
    /// a caller can make several calls one step, and so that the tests
    /// can check that every member function takes it.
    mutable std::mutex mutex;

private:
    std::map<std::string, std::uint64_t> hits_;  // by name, since the last take()
    std::uint64_t total_hits_ = 0;               // since the start
    std::uint64_t total_bytes_ = 0;              // since the start
};

/// \brief Counts every line a client sends as a hit on that line's text,
/// and answers each with the name's count: `apple\n` gets `1\n`, the next
/// `apple\n` (from any client) `2\n`.
///
/// The bytes of a hit are the line's, its `\n` included. A line longer
/// than #max_line bytes is cut into pieces of #max_line, each a hit of
/// its own: a counter, not a protocol.
class HitHandler : public StreamRequestHandler {
public:
    /// \brief The longest line read at once, its `\n` included.
    static constexpr std::size_t max_line = 1024;

    /// \brief A stream handler that counts into \p counter.
    /// \param request        the connection
    /// \param client_address the client's address
    /// \param server         the server
    /// \param counter        the counts, shared with every other connection
    HitHandler(Request& request, common::Address client_address, BaseServer& server,
               HitCounter& counter)
        : StreamRequestHandler(request, std::move(client_address), server), counter_(counter) {
        // A few bytes per reply, one reply per line: with Nagle's algorithm
        // each reply would wait for the client to acknowledge the one before.
        disable_nagle_algorithm = true;
    }

    /// \brief Answers each line with its name's count, until the client closes.
    void handle() override {
        for (std::string line = rfile.readline(max_line); !line.empty();
             line = rfile.readline(max_line)) {
            const std::size_t bytes = line.size();
            if (line.back() == '\n') {
                line.pop_back();
            }
            wfile.write(std::to_string(counter_.hit(line, bytes)) + "\n");
        }
    }

private:
    HitCounter& counter_;
};

/// \brief A factory for servers: one HitHandler per connection, all on
/// the same \p counter.
/// \param counter the counts; must outlive the server
/// \return the factory, for a server's constructor
inline HandlerFactory hit_handler(HitCounter& counter) {
    return [&counter](Request& request, const common::Address& client_address,
                      BaseServer& server) {
        return std::make_unique<HitHandler>(request, client_address, server, counter);
    };
}

}  // namespace sockserv::ch05::exercises
