// Tests of exercise 5.3: HitCounter's hit(), hits(), totals() and take()
// (exercises/ch05/shared_counter.cpp), made safe for many threads.
//
// Three kinds of test. On one thread: the counting itself. The lock: the
// test holds the counter's mutex and calls each member function on
// another thread, which must wait until the test lets go; a function that
// returns meanwhile touched the counts without the lock. Many threads: a
// ThreadingTCPServer with eight clients at once; eight threads hitting the
// counter directly, as fast as they can; and eight hitting while a ninth
// takes the counts. The totals must come out exact. A race does not always lose a count, so the exact
// totals alone could pass by luck: the lock tests are the ones that fail
// every time. ThreadSanitizer (the book's section shows how to run these
// tests under it) reports the race itself, whether a count was lost or
// not, once two racing accesses meet in the few it remembers per address:
// on an unguarded counter, EightClientsAtOnceCountExactly was reported on
// every run we tried, EightThreadsHitAtOnce on about one run in three.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ch05/socketserver.hpp"
#include "shared_counter.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/server_thread.hpp"

namespace {

using namespace sockserv;
using ch05::exercises::hit_handler;
using ch05::exercises::HitCounter;
using ch05::exercises::HitTotals;
using test::printable;

std::string describe(const HitTotals& totals) {
    return "{hits " + std::to_string(totals.hits) + ", bytes " + std::to_string(totals.bytes) +
           ", names " + std::to_string(totals.names) + "}";
}

TEST(SharedCounter, CountsOnOneThread) {
    HitCounter counter;
    EXPECT_EQ(counter.hit("apple", 6), 1u) << "the first hit on a name returns 1";
    EXPECT_EQ(counter.hit("apple", 6), 2u);
    EXPECT_EQ(counter.hit("pear", 5), 1u) << "each name has its own count";
    EXPECT_EQ(counter.hits("apple"), 2u);
    EXPECT_EQ(counter.hits("plum"), 0u) << "a name never hit has 0 hits";
    EXPECT_EQ(counter.totals(), (HitTotals{3, 17, 2})) << describe(counter.totals());
    auto taken = counter.take();
    EXPECT_EQ(taken, (std::map<std::string, std::uint64_t>{{"apple", 2}, {"pear", 1}}));
    EXPECT_EQ(counter.hits("apple"), 0u) << "take() starts every count anew";
    EXPECT_EQ(counter.totals(), (HitTotals{3, 17, 0}))
        << "take() resets the names' counts, not the totals: " << describe(counter.totals());
    EXPECT_EQ(counter.hit("apple", 6), 1u) << "after take(), a name counts from 1 again";
    EXPECT_TRUE(counter.take().size() == 1u);
}

// The test holds counter.mutex and runs \p call on another thread: it must
// wait for the lock, and return once the test lets go.
testing::AssertionResult waits_for_the_lock(HitCounter& counter, const std::string& name,
                                            const std::function<void()>& call) {
    std::unique_lock held{counter.mutex};
    test::BackgroundCall calling{call, name};
    if (calling.finishes_within(common::Seconds{0.2})) {
        held.unlock();
        return testing::AssertionFailure()
               << name << " returned while the test held counter.mutex: it touched the counts "
               << "without taking the lock, and two request threads calling it at once would "
               << "race. Hold `mutex` (std::lock_guard) for all it does; a lock of your own "
               << "would not do: every function must take the same one.";
    }
    held.unlock();
    if (!calling.finishes_within()) {
        return testing::AssertionFailure()
               << name << " did not return once the test let go of counter.mutex: does it "
               << "lock it twice? A std::mutex locked twice by one thread waits for ever.";
    }
    try {
        calling.get();
    } catch (const std::exception& error) {
        return testing::AssertionFailure() << name << " threw " << printable(error.what());
    }
    return testing::AssertionSuccess();
}

TEST(SharedCounter, HitTakesTheLock) {
    HitCounter counter;
    EXPECT_TRUE(waits_for_the_lock(counter, "hit(\"apple\", 6)", [&] { counter.hit("apple", 6); }));
    EXPECT_EQ(counter.hits("apple"), 1u);
}

TEST(SharedCounter, HitsTakesTheLock) {
    HitCounter counter;
    counter.hit("apple", 6);
    std::uint64_t seen = 0;
    EXPECT_TRUE(waits_for_the_lock(counter, "hits(\"apple\")", [&] { seen = counter.hits("apple"); }));
    EXPECT_EQ(seen, 1u);
}

TEST(SharedCounter, TotalsTakesTheLock) {
    HitCounter counter;
    counter.hit("apple", 6);
    HitTotals seen;
    EXPECT_TRUE(waits_for_the_lock(counter, "totals()", [&] { seen = counter.totals(); }));
    EXPECT_EQ(seen, (HitTotals{1, 6, 1})) << describe(seen);
}

TEST(SharedCounter, TakeTakesTheLock) {
    HitCounter counter;
    counter.hit("apple", 6);
    std::map<std::string, std::uint64_t> seen;
    EXPECT_TRUE(waits_for_the_lock(counter, "take()", [&] { seen = counter.take(); }));
    EXPECT_EQ(seen.size(), 1u);
}

// Eight clients at once on a ThreadingTCPServer, 500 lines each over eight
// names. Each name is hit once first, by the test, so that the threads
// only update counts that exist: an unguarded counter then loses counts
// (or ThreadSanitizer reports it) instead of breaking the map apart.
TEST(SharedCounter, EightClientsAtOnceCountExactly) {
    constexpr int clients = 8;
    constexpr int lines = 500;
    HitCounter counter;
    std::vector<std::string> names;
    for (int k = 0; k < clients; ++k) {
        names.push_back("name" + std::to_string(k));
        counter.hit(names.back(), names.back().size() + 1);
    }
    ch05::ThreadingTCPServer server{common::Address::inet("127.0.0.1", 0), hit_handler(counter)};
    test::ServerThread serving{server};

    // Client c sends name(c), name(c+1), ...: every name gets 500 lines.
    std::vector<std::string> replies(clients);
    std::vector<std::string> errors(clients);
    {
        std::vector<std::unique_ptr<test::BackgroundCall>> running;
        for (int c = 0; c < clients; ++c) {
            running.push_back(std::make_unique<test::BackgroundCall>(
                [&, c] {
                    try {
                        test::Client client{server.server_address};
                        std::string sent;
                        for (int j = 0; j < lines; ++j) {
                            sent += names[static_cast<std::size_t>((c + j) % clients)] + "\n";
                        }
                        client.send(sent);
                        client.close_write();
                        replies[static_cast<std::size_t>(c)] = client.recv_until_eof();
                    } catch (const std::exception& error) {
                        errors[static_cast<std::size_t>(c)] = error.what();
                    }
                },
                "client " + std::to_string(c)));
        }
        for (auto& call : running) {
            ASSERT_TRUE(call->finishes_within());
        }
    }
    // Every number each name's hits returned, from all clients together.
    std::map<std::string, std::map<std::uint64_t, int>> returned;
    for (int c = 0; c < clients; ++c) {
        ASSERT_EQ(errors[static_cast<std::size_t>(c)], "") << "client " << c;
        std::istringstream in{replies[static_cast<std::size_t>(c)]};
        std::string line;
        int j = 0;
        for (; std::getline(in, line); ++j) {
            ++returned[names[static_cast<std::size_t>((c + j) % clients)]][std::stoull(line)];
        }
        ASSERT_EQ(j, lines) << "client " << c << " should get one reply per line it sent";
    }
    const std::uint64_t each = 1 + lines;  // the test's hit, and 500 from the clients
    for (const std::string& name : names) {
        EXPECT_EQ(counter.hits(name), each)
            << name << " was hit " << each << " times, 8 threads at once: a count that "
            << "comes out short lost increments to a race";
        int duplicates = 0;
        int missing = 0;
        for (std::uint64_t n = 2; n <= each; ++n) {
            auto found = returned[name].find(n);
            if (found == returned[name].end()) {
                ++missing;
            } else if (found->second > 1) {
                duplicates += found->second - 1;
            }
        }
        EXPECT_TRUE(duplicates == 0 && missing == 0)
            << "the replies for " << name << " should be 2 to " << each << ", each once; "
            << duplicates << " numbers came twice or more and " << missing
            << " never came: two hits that read the same count raced";
    }
    serving.stop();
    // Every request thread joined while the server is whole: the Python
    // `with` block's server_close(), rather than the destructors' order.
    server.server_close();
    const std::uint64_t line_bytes = names[0].size() + 1;
    EXPECT_EQ(counter.totals(), (HitTotals{clients * each, clients * each * line_bytes,
                                           static_cast<std::size_t>(clients)}))
        << describe(counter.totals());
}

// Eight plain threads hit eight names as fast as they can, with nothing
// between their hits: the most a counter can be asked to bear. Each name
// exists before they start, so that an unguarded counter only loses
// counts instead of breaking the map apart.
TEST(SharedCounter, EightThreadsHitAtOnce) {
    constexpr int threads = 8;
    constexpr int hits_each = 20000;
    HitCounter counter;
    std::vector<std::string> names;
    for (int k = 0; k < threads; ++k) {
        names.push_back("name" + std::to_string(k));
        counter.hit(names.back(), 1);
    }
    // What each thread's hits returned, by name.
    std::vector<std::map<std::string, std::vector<std::uint64_t>>> returned(threads);
    std::latch ready{threads};  // all start together, for as much overlap as can be
    {
        std::vector<std::unique_ptr<test::BackgroundCall>> hitters;
        for (int t = 0; t < threads; ++t) {
            hitters.push_back(std::make_unique<test::BackgroundCall>(
                [&, t] {
                    auto& mine = returned[static_cast<std::size_t>(t)];
                    ready.arrive_and_wait();
                    for (int i = 0; i < hits_each; ++i) {
                        const std::string& name =
                            names[static_cast<std::size_t>((t + i) % threads)];
                        mine[name].push_back(counter.hit(name, 2));
                    }
                },
                "hitting thread " + std::to_string(t)));
        }
        for (auto& call : hitters) {
            ASSERT_TRUE(call->finishes_within());
        }
    }
    const std::uint64_t each = 1 + hits_each;  // the test's hit, then 8 x 2500
    for (const std::string& name : names) {
        std::vector<bool> seen(each + 1, false);
        int duplicates = 0;
        for (const auto& mine : returned) {
            for (std::uint64_t n : mine.at(name)) {
                if (n < seen.size() && seen[n]) {
                    ++duplicates;
                } else if (n < seen.size()) {
                    seen[n] = true;
                }
            }
        }
        EXPECT_EQ(counter.hits(name), each)
            << name << " was hit " << each << " times by 8 threads at once: a count that "
            << "comes out short lost increments to a race";
        EXPECT_EQ(duplicates, 0) << "hit(\"" << name << "\") returned the same number "
                                 << duplicates << " times: two hits read the same count";
    }
    const std::uint64_t all = std::uint64_t{threads} * each;
    EXPECT_EQ(counter.totals(), (HitTotals{all, 2 * all - threads, std::size_t{threads}}))
        << describe(counter.totals());
}

// Eight threads hit twenty names (new ones: the map grows while they do)
// while a ninth takes the counts over and over; every hit must be in
// exactly one take().
TEST(SharedCounter, ManyThreadsHitWhileOneTakes) {
    HitCounter counter;
    // Unguarded, this test would break the map apart, and the program
    // with it: it runs only on a counter that takes its lock.
    ASSERT_TRUE(waits_for_the_lock(counter, "hit(\"x\", 1)", [&] { counter.hit("x", 1); }));
    ASSERT_TRUE(waits_for_the_lock(counter, "take()", [&] { counter.take(); }));
    counter.take();

    constexpr int threads = 8;
    constexpr int hits_each = 20000;
    constexpr int name_count = 20;
    std::map<std::string, std::uint64_t> taken;
    std::mutex taken_mutex;
    std::atomic<int> hitting{threads};
    {
        test::BackgroundCall taker{
            [&] {
                while (hitting.load() > 0) {
                    auto part = counter.take();
                    std::lock_guard lock{taken_mutex};
                    for (const auto& [name, count] : part) {
                        taken[name] += count;
                    }
                }
            },
            "the thread calling take()"};
        std::vector<std::unique_ptr<test::BackgroundCall>> hitters;
        for (int t = 0; t < threads; ++t) {
            hitters.push_back(std::make_unique<test::BackgroundCall>(
                [&, t] {
                    for (int i = 0; i < hits_each; ++i) {
                        counter.hit("n" + std::to_string((t + i) % name_count), 3);
                    }
                    --hitting;
                },
                "hitting thread " + std::to_string(t)));
        }
        for (auto& call : hitters) {
            ASSERT_TRUE(call->finishes_within());
        }
        ASSERT_TRUE(taker.finishes_within());
    }
    for (const auto& [name, count] : counter.take()) {
        taken[name] += count;
    }
    std::uint64_t sum = 0;
    for (const auto& [name, count] : taken) {
        sum += count;
    }
    const std::uint64_t all = std::uint64_t{threads} * hits_each;
    EXPECT_EQ(taken.size(), std::size_t{name_count});
    EXPECT_EQ(sum, all) << "every hit should be in exactly one take(): "
                        << (sum < all ? "some were lost" : "some were counted twice")
                        << " between taking the counts and starting anew";
    for (const auto& [name, count] : taken) {
        EXPECT_EQ(count, all / name_count) << name;
    }
    EXPECT_EQ(counter.totals(), (HitTotals{all + 1, 3 * all + 1, 0}))
        << "the totals count every hit, the test's own first one too: "
        << describe(counter.totals());
}

}  // namespace
