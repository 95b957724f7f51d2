// Tests of exercise 4.3: execute() and KeyValueHandler::handle()
// (exercises/ch04/kv_store.cpp).
//
// execute() is asked directly, about commands written on the spot. The
// handler is tested as a client meets it: a real ch04::TCPServer on
// loopback, serve_forever() on a thread of its own, and test clients that
// send command lines in pieces of the test's choosing and read the replies,
// every wait with a time limit.
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "ch04/socketserver.hpp"
#include "common/error.hpp"
#include "kv_store.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/server_thread.hpp"

namespace {

using namespace sockserv;
using ch04::exercises::execute;
using ch04::exercises::key_value_handler;
using ch04::exercises::KeyValueHandler;
using ch04::exercises::Store;
using test::printable;

constexpr std::size_t max_line = KeyValueHandler::max_line;

// ---------------------------------------------------------------------------
// execute(), on its own

testing::AssertionResult replies(Store& store, const std::string& command,
                                 const std::string& expected, const std::string& why = "") {
    std::string reply;
    try {
        reply = execute(store, command);
    } catch (...) {
        return testing::AssertionFailure() << "execute(store, " << printable(command)
                                           << ") threw " << common::describe_current_exception();
    }
    if (reply != expected) {
        auto failure = testing::AssertionFailure()
                       << "execute(store, " << printable(command) << ") returned "
                       << printable(reply) << ", but the reply should be "
                       << printable(expected);
        if (!why.empty()) {
            failure << " (" << why << ")";
        }
        return failure;
    }
    return testing::AssertionSuccess();
}

TEST(KvExecute, SetThenGet) {
    Store store;
    EXPECT_TRUE(replies(store, "SET a 1", "OK"));
    EXPECT_EQ(store.get("a"), std::optional<std::string>{"1"}) << "SET a 1 should set key \"a\" in the store to \"1\"";
    EXPECT_TRUE(replies(store, "GET a", "VALUE 1", "a GET is answered with VALUE and the value"));
}

TEST(KvExecute, GetAKeyThatIsNotThere) {
    Store store;
    EXPECT_TRUE(replies(store, "GET nothing", "NOT FOUND"));
}

TEST(KvExecute, SetReplacesTheValue) {
    Store store;
    ASSERT_TRUE(replies(store, "SET a 1", "OK"));
    EXPECT_TRUE(replies(store, "SET a 2", "OK"));
    EXPECT_TRUE(replies(store, "GET a", "VALUE 2", "the second SET replaced the first value"));
}

TEST(KvExecute, AValueIsTheRestOfTheLine) {
    Store store;
    EXPECT_TRUE(replies(store, "SET greeting hello, big world", "OK"));
    EXPECT_EQ(store.get("greeting"), std::optional<std::string>{"hello, big world"})
        << "the value is everything after the space that ends the key, spaces included";
    EXPECT_TRUE(replies(store, "SET padded  x ", "OK"));
    EXPECT_EQ(store.get("padded"), std::optional<std::string>{" x "})
        << "only the one space after the key separates: the value of \"SET padded  x \" is "
           "\" x \"";
    EXPECT_TRUE(replies(store, "SET empty ", "OK",
                        "the space after the key is there, and the value after it is empty"));
    EXPECT_EQ(store.get("empty"), std::optional<std::string>{""}) << "\"SET empty \" sets \"empty\" to the empty value";
    EXPECT_TRUE(replies(store, "GET empty", "VALUE ",
                        "an empty value is a value: VALUE, a space, nothing"));
    EXPECT_TRUE(replies(store, "SET tricky NOT FOUND", "OK"));
    EXPECT_TRUE(replies(store, "GET tricky", "VALUE NOT FOUND",
                        "the VALUE in front is what tells this value from a missing key"));
}

TEST(KvExecute, DelRemovesAKey) {
    Store store;
    store.set("a", "1");
    EXPECT_TRUE(replies(store, "DEL a", "OK", "\"a\" was there"));
    EXPECT_EQ(store.get("a"), std::nullopt) << "after DEL a, the key should be gone";
    EXPECT_TRUE(replies(store, "DEL a", "NOT FOUND", "\"a\" is not there any more"));
    EXPECT_TRUE(replies(store, "GET a", "NOT FOUND"));
}

TEST(KvExecute, UnknownCommands) {
    Store store;
    store.set("a", "1");
    for (std::string command : {"", "get a", "PUT a 1", "GETa", " GET a", "SETa b c",
                                "DELETE a", "OK"}) {
        EXPECT_TRUE(replies(store, command, "ERROR unknown command",
                            "the name is what comes before the first space; names are "
                            "SET, GET and DEL, in capitals"));
    }
    EXPECT_EQ(store.size(), 1u) << "an unknown command changes nothing in the store";
    EXPECT_EQ(store.get("a"), std::optional<std::string>{"1"}) << "an unknown command changes nothing in the store";
}

TEST(KvExecute, UsageErrors) {
    Store store;
    store.set("a", "1");
    const std::vector<std::pair<std::string, std::string>> cases{
        {"GET", "ERROR usage: GET key"},     {"GET ", "ERROR usage: GET key"},
        {"GET a b", "ERROR usage: GET key"}, {"GET  a", "ERROR usage: GET key"},
        {"GET a ", "ERROR usage: GET key"},  {"DEL", "ERROR usage: DEL key"},
        {"DEL a b", "ERROR usage: DEL key"}, {"DEL ", "ERROR usage: DEL key"},
        {"SET", "ERROR usage: SET key value"}, {"SET a", "ERROR usage: SET key value"},
        {"SET  a 2", "ERROR usage: SET key value"}, {"SET ", "ERROR usage: SET key value"},
    };
    for (const auto& [command, reply] : cases) {
        EXPECT_TRUE(replies(store, command, reply,
                            "a key is one word of at least one byte; GET and DEL take nothing "
                            "after it, SET takes a space and then its value"));
    }
    EXPECT_EQ(store.size(), 1u) << "a command answered with an error changes nothing";
    EXPECT_EQ(store.get("a"), std::optional<std::string>{"1"}) << "a command answered with an error changes nothing "
                                      "(\"DEL a b\" must not remove \"a\", \"SET a\" must not "
                                      "empty it)";
}

// ---------------------------------------------------------------------------
// The handler, with real clients

// A TCPServer on loopback serving the store, and serve_forever() running.
class Served {
public:
    explicit Served(Store& store)
        : server_{common::Address::inet("127.0.0.1", 0),
                  key_value_handler(store, test::default_timeout)},
          serving_{server_} {}

    const common::Address& address() const { return server_.server_address; }

private:
    ch04::TCPServer server_;
    test::ServerThread<ch04::TCPServer> serving_;
};

const char* const what_handle_does =
    " handle() should answer each command line as soon as it has arrived, and go on until "
    "the client closes its side.";

// The client sends \p sent, then reads one reply line: \p expected.
testing::AssertionResult answers(test::Client& client, const std::string& sent,
                                 const std::string& expected) {
    std::string reply;
    try {
        client.send(sent);
        reply = client.recv_line();
    } catch (const std::exception& error) {
        return testing::AssertionFailure()
               << "the client sent " << printable(sent) << " and waited for the reply "
               << printable(expected) << ", but: " << error.what() << "." << what_handle_does;
    }
    if (reply != expected) {
        return testing::AssertionFailure() << "the client sent " << printable(sent)
                                           << " and received " << printable(reply)
                                           << ", but the reply should be "
                                           << printable(expected);
    }
    return testing::AssertionSuccess();
}

// The client closes its side, and reads everything the server still sends:
// \p expected, then the end of the stream.
testing::AssertionResult rest_is(test::Client& client, const std::string& expected,
                                 const std::string& why) {
    std::string rest;
    try {
        client.close_write();
        rest = client.recv_until_eof();
    } catch (const std::exception& error) {
        return testing::AssertionFailure()
               << "the client closed its side and read until the server closed too ("
               << why << "), but: " << error.what()
               << ". Once readline() returns \"\", the client has closed: handle() should "
                  "return.";
    }
    if (rest != expected) {
        return testing::AssertionFailure()
               << "after the client closed its side, the server sent " << printable(rest, 200)
               << ", but it should send " << printable(expected, 200) << " (" << why << ")";
    }
    return testing::AssertionSuccess();
}

TEST(KvServer, AnswersEachLineAtOnce) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    ASSERT_TRUE(answers(client, "SET a 1\n", "OK\n"));
    EXPECT_TRUE(answers(client, "GET a\n", "VALUE 1\n"));
    EXPECT_TRUE(answers(client, "DEL a\n", "OK\n"));
    EXPECT_TRUE(answers(client, "GET a\n", "NOT FOUND\n"));
    EXPECT_TRUE(rest_is(client, "", "every command was answered already"));
}

TEST(KvServer, EveryConnectionSharesTheStore) {
    Store store;
    Served served{store};
    {
        test::Client first{served.address()};
        ASSERT_TRUE(answers(first, "SET color blue\n", "OK\n"));
        ASSERT_TRUE(rest_is(first, "", "the first client is done"));
    }
    EXPECT_EQ(store.get("color"), std::optional<std::string>{"blue"})
        << "the handler should work on the Store the factory gave it";
    test::Client second{served.address()};
    EXPECT_TRUE(answers(second, "GET color\n", "VALUE blue\n"))
        << "\n(the second connection sees what the first one set: one store for all)";
}

TEST(KvServer, LinesSplitAcrossSends) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    const std::string commands = "SET key value\nGET key\n";
    for (char byte : commands) {
        client.send(std::string(1, byte));  // one byte per send
    }
    std::string replies;
    try {
        replies = client.recv_line();
        replies += client.recv_line();
    } catch (const std::exception& error) {
        ADD_FAILURE() << "the client sent " << printable(commands)
                      << " one byte per send, and waited for two replies, but: "
                      << error.what()
                      << ". A line may arrive in any number of pieces: rfile.readline() "
                         "puts them together.";
    }
    EXPECT_EQ(replies, "OK\nVALUE value\n");
}

TEST(KvServer, ManyCommandsInOneSend) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    std::string commands;
    std::string expected;
    for (int i = 0; i < 300; ++i) {
        commands += "SET k" + std::to_string(i) + " v" + std::to_string(i) + "\n";
        expected += "OK\n";
    }
    for (int i = 0; i < 300; ++i) {
        commands += "GET k" + std::to_string(i) + "\n";
        expected += "VALUE v" + std::to_string(i) + "\n";
    }
    client.send(commands);
    EXPECT_TRUE(rest_is(client, expected,
                        "600 commands sent at once, 600 replies in the same order: one recv() "
                        "holds many lines, and every one of them is a command"));
}

TEST(KvServer, CarriageReturnsEndLinesToo) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    ASSERT_TRUE(answers(client, "SET a 1\r\n", "OK\n"));
    EXPECT_EQ(store.get("a"), std::optional<std::string>{"1"}) << "\"\\r\\n\" ends a line: the '\\r' is no part of the value";
    EXPECT_TRUE(answers(client, "GET a\r\n", "VALUE 1\n"))
        << "\n(\"\\r\\n\" ends a line: the '\\r' is no part of the key)";
}

TEST(KvServer, ALastLineWithoutNewline) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    client.send("SET a 1\nGET a");
    EXPECT_TRUE(rest_is(client, "OK\nVALUE 1\n",
                        "the client closed its side right after \"GET a\": that last line "
                        "has no '\\n', and is a command all the same"));
}

TEST(KvServer, AnErrorDoesNotEndTheConnection) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    ASSERT_TRUE(answers(client, "HELLO\n", "ERROR unknown command\n"));
    EXPECT_TRUE(answers(client, "GET\n", "ERROR usage: GET key\n"));
    EXPECT_TRUE(answers(client, "SET a 1\n", "OK\n"));
}

TEST(KvServer, AnOverLongLineIsAnsweredOnce) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    ASSERT_TRUE(answers(client, "SET a 1\n", "OK\n"));
    client.send("SET big " + std::string(100000, 'x') + "\nGET a\n");
    EXPECT_TRUE(rest_is(client, "ERROR line too long\nVALUE 1\n",
                        "a line of 100 KB gets one error, however many pieces of " +
                            std::to_string(max_line) +
                            " bytes it takes to read and drop it; then the next line is a "
                            "command again"));
    EXPECT_EQ(store.get("big"), std::nullopt) << "a line too long is no command";
}

TEST(KvServer, TheErrorComesBeforeTheRestOfTheLine) {
    Store store;
    Served served{store};
    test::Client client{served.address(), common::Seconds{3.0}};
    const std::string head(max_line, 'x');
    std::string reply;
    try {
        client.send(head);
        reply = client.recv_line();
    } catch (const std::exception& error) {
        const bool closed = std::string{error.what()}.find("closed") != std::string::npos;
        FAIL() << "the client sent " << max_line
               << " bytes without a '\\n' and waited 3 s for \"ERROR line too long\\n\", but: "
               << error.what() << "."
               << (closed ? what_handle_does
                          : " Read lines with rfile.readline(max_line): without the limit, "
                            "readline() waits for a '\\n' that may never come, keeping every "
                            "byte until then.");
    }
    EXPECT_EQ(reply, "ERROR line too long\n");
    EXPECT_TRUE(answers(client, "yyy\nGET a\n", "NOT FOUND\n"))
        << "\n(\"yyy\\n\" was the end of the line too long, to be dropped, not a command: "
           "the reply to GET a should come next)";
    EXPECT_TRUE(rest_is(client, "", "every line was answered already"));
}

TEST(KvServer, TheLongestLineAccepted) {
    Store store;
    Served served{store};
    test::Client client{served.address()};
    // "SET k " + value + "\n": exactly max_line bytes.
    const std::string value(max_line - 7, 'v');
    ASSERT_TRUE(answers(client, "SET k " + value + "\n", "OK\n"))
        << "\n(that line is exactly " << max_line << " bytes with its '\\n': the longest "
        << "accepted)";
    EXPECT_EQ(store.get("k"), std::optional{value});
    EXPECT_TRUE(answers(client, "SET k " + value + "w\n", "ERROR line too long\n"))
        << "\n(that line is " << max_line + 1 << " bytes with its '\\n': its first " << max_line
        << " bytes hold no '\\n')";
    EXPECT_TRUE(answers(client, "GET z\n", "NOT FOUND\n"))
        << "\n(the '\\n' that ended the line too long was dropped with it)";
    EXPECT_EQ(store.get("k"), std::optional{value}) << "a line too long is no command: k keeps its value";
}

}  // namespace
