#include "common/demo.hpp"

#include <charconv>
#include <cmath>
#include <iostream>
#include <optional>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "common/shutdown_on_signal.hpp"

namespace sockserv::common::demo {

namespace {

/// Raised for anything the user typed wrongly; run() turns it into usage + 2.
struct UsageError {
    std::string message;
};

void print_usage(std::ostream& out, std::string_view program, std::span<const ServerClass> classes) {
    std::string indent(program.size() + 8, ' ');
    out << "usage: " << program << " [--class NAME] [--bind ADDRESS] [--poll-interval SECONDS]\n"
        << indent << "[--max-children N] [--help] [--list]\n\n"
        << "An echo server that answers every line with the same line, upper-cased.\n\n"
        << "  --class NAME            the server class to run (default TCPServer)\n"
        << "  --bind ADDRESS          HOST:PORT for inet classes (default 127.0.0.1:9999;\n"
        << "                          port 0 lets the OS choose), a path for Unix classes\n"
        << "  --poll-interval SECONDS serve_forever's poll interval (default 0.5)\n"
        << "  --max-children N        ForkingMixIn's max_children (default 40)\n"
        << "  --list                  print the classes below and exit\n"
        << "  --help                  print this help and exit\n\n"
        << "classes:";
    for (const ServerClass& server_class : classes) {
        out << ' ' << server_class.name;
    }
    out << '\n';
}

double parse_number(std::string_view option, const std::string& text) {
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(value) || value < 0) {
        throw UsageError{std::string{option} + " wants a number of 0 or more, not '" + text + "'"};
    }
    return value;
}

// A count of processes: digits only, from 1 (0 would let no request be
// served: Python's collect_children() then loops for ever) to a million
// (more is a typo, not a plan).
int parse_count(std::string_view option, const std::string& text) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 1 ||
        value > 1'000'000) {
        throw UsageError{std::string{option} + " wants a whole number from 1 to 1000000, not '" + text +
                         "'"};
    }
    return value;
}

// Accepts "--name value" and "--name=value". Returns what follows the option,
// or nothing when argv[i] is not this option.
std::optional<std::string> option_value(std::string_view name, int argc, char** argv, int& i) {
    std::string_view argument = argv[i];
    if (argument == name) {
        if (i + 1 >= argc) {
            throw UsageError{std::string{name} + " needs a value"};
        }
        return std::string{argv[++i]};
    }
    if (argument.starts_with(name) && argument.size() > name.size() && argument[name.size()] == '=') {
        return std::string{argument.substr(name.size() + 1)};
    }
    return std::nullopt;
}

struct Command {
    Options options;
    bool help = false;
    bool list = false;
    bool max_children_given = false;
};

Command parse(int argc, char** argv) {
    Command command;
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if (argument == "--help" || argument == "-h") {
            command.help = true;
        } else if (argument == "--list") {
            command.list = true;
        } else if (auto value = option_value("--class", argc, argv, i)) {
            command.options.class_name = *value;
        } else if (auto value = option_value("--bind", argc, argv, i)) {
            command.options.bind = *value;
        } else if (auto value = option_value("--poll-interval", argc, argv, i)) {
            command.options.poll_interval = Seconds{parse_number("--poll-interval", *value)};
        } else if (auto value = option_value("--max-children", argc, argv, i)) {
            command.options.max_children = parse_count("--max-children", *value);
            command.max_children_given = true;
        } else {
            throw UsageError{"unknown option '" + std::string{argument} + "'"};
        }
    }
    return command;
}

const ServerClass& find_class(std::span<const ServerClass> classes, const std::string& name) {
    for (const ServerClass& server_class : classes) {
        if (server_class.name == name) {
            return server_class;
        }
    }
    throw UsageError{"this chapter has no class '" + name + "'"};
}

Address parse_address(const ServerClass& server_class, const std::string& bind) {
    if (server_class.family == Family::inet) {
        return Address::parse_inet(bind.empty() ? "127.0.0.1:9999" : bind);
    }
    if (bind.empty()) {
        throw UsageError{std::string{server_class.name} + " needs --bind PATH"};
    }
    return Address::unix_path(bind);
}

// Serves until a signal asks for shutdown; the server is already bound.
void serve(Server& server, const Options& options, std::string_view program) {
    ShutdownOnSignal on_signal{[&server] { server.shutdown(); }, program};
    std::cout << "listening on " << server.server_address() << std::endl;  // endl: flush now
    server.serve_forever(options.poll_interval);
    server.server_close();
    on_signal.rethrow_if_failed();
}

// Removes the Unix socket file a run made, however the run ends: a file
// left behind would make the next run's bind() fail with "Address already
// in use".
class SocketFile {
public:
    explicit SocketFile(std::string path) : path_(std::move(path)) {}
    ~SocketFile() {
        if (!path_.empty()) {
            ::unlink(path_.c_str());
        }
    }
    SocketFile(const SocketFile&) = delete;
    SocketFile& operator=(const SocketFile&) = delete;

private:
    std::string path_;
};

}  // namespace

int run(int argc, char** argv, std::string_view program, std::span<const ServerClass> classes) {
    const ServerClass* chosen = nullptr;
    Command command;
    Address address;
    try {
        command = parse(argc, argv);
        if (command.help) {
            print_usage(std::cout, program, classes);
            return 0;
        }
        if (command.list) {
            for (const ServerClass& server_class : classes) {
                std::cout << server_class.name << '\n';
            }
            return 0;
        }
        chosen = &find_class(classes, command.options.class_name);
        address = parse_address(*chosen, command.options.bind);
    } catch (const UsageError& error) {
        std::cerr << program << ": " << error.message << "\n\n";
        print_usage(std::cerr, program, classes);
        return 2;
    } catch (const std::invalid_argument& error) {
        std::cerr << program << ": " << error.what() << "\n\n";
        print_usage(std::cerr, program, classes);
        return 2;
    } catch (const AddressError& error) {
        std::cerr << program << ": cannot bind " << command.options.bind << ": " << error.what() << '\n';
        return 1;
    }
    if (command.max_children_given && !chosen->name.starts_with("Forking")) {
        std::cerr << program << ": note: --max-children has no effect on " << chosen->name << '\n';
    }

    std::unique_ptr<Server> server;
    try {
        server = chosen->make(address, command.options);
    } catch (const std::system_error& error) {
        std::cerr << program << ": cannot bind " << address << ": " << error.code().message() << '\n';
        return 1;
    }
    SocketFile made{chosen->family == Family::unix_path ? address.host() : std::string{}};
    // Whatever stops the serving loop early still gets the contract's one
    // line on stderr and status 1, not std::terminate.
    try {
        serve(*server, command.options, program);
    } catch (const std::exception& error) {
        std::cerr << program << ": serving stopped: " << error.what() << '\n';
        return 1;
    } catch (...) {
        std::cerr << program << ": serving stopped by an exception that is not a std::exception\n";
        return 1;
    }
    return 0;
}

}  // namespace sockserv::common::demo
