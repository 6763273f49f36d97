// ttbusctl: look into ttbusd and talk ToolTalk from the shell. Every subcommand is one or two
// Broker1/Monitor1 calls; output is text for people, or with --json the broker's dictionaries
// key for key (dbus_values.h). Exit status: 0 ok, 1 usage or no broker, 2 the broker refused
// (an org.ttbus.Error, e.g. a request that failed; its ToolTalk status is printed).
#include "arg_syntax.h"
#include "broker_error.h"
#include "broker_proxies.h"
#include "dbus_values.h"
#include "readable.h"
#include "ttbusctl_monitor.h"

#include "protocol/enums.h"
#include "protocol/keys.h"

#include <charconv>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace ttbus::tools;
using namespace ttbus::client;
using json = nlohmann::json;
namespace protocol = ttbus::protocol;

constexpr int exit_error = 1;
constexpr int exit_refused = 2;

const char* const usage_text =
    "Usage: ttbusctl [--json] COMMAND [options]\n"
    "  status                      the broker's version and counts\n"
    "  sessions                    sessions ('*' marks the default one)\n"
    "  procids | patterns | queue  open procids, registered patterns, queued messages\n"
    "  launches                    started handlers: token, ptype, systemd unit and its state\n"
    "  ptypes                      loaded ptypes\n"
    "  reload                      re-read the type database\n"
    "  send OP [message options]   send a notice; prints its message id\n"
    "  request OP [message options]\n"
    "                              send a request and wait for it; prints the reply's args\n"
    "  monitor [--session S] [--op OP] [--procid P] [--count N]\n"
    "                              show messages and state changes live\n"
    "message options:\n"
    "  --session S   --file F   --scope session|file|both|file_in_session\n"
    "  --disposition discard|queue|start|start+queue\n"
    "  --arg MODE:VTYPE[:VALUE]    repeatable; MODE in|out|inout; VALUE int:N, string:TEXT,\n"
    "                              bytes:HEX, or plain (kind from the vtype: int, bytes, else string)\n"
    "  --json      machine-readable output (monitor: one object per line)\n"
    "  -h, --help  this help;  --version\n";

struct UsageError {
    std::string message;
};

// The words after the subcommand, consumed as options.
class Words {
public:
    explicit Words(std::vector<std::string> words) : words_(std::move(words)) {}

    bool empty() const { return next_ >= words_.size(); }
    const std::string& peek() const { return words_[next_]; }
    std::string take() { return words_[next_++]; }
    std::string value_of(const std::string& option) {
        if (empty()) throw UsageError{option + " needs a value"};
        return take();
    }
    void expect_end() const {
        if (!empty()) throw UsageError{"unexpected argument '" + peek() + "'"};
    }

private:
    std::vector<std::string> words_;
    std::size_t next_ = 0;
};

template <typename Enum>
std::int32_t enum_value(std::string_view text, const std::map<std::string_view, Enum>& names, const std::string& option) {
    auto it = names.find(text);
    if (it == names.end()) throw UsageError{option + ": unknown value '" + std::string(text) + "'"};
    return static_cast<std::int32_t>(it->second);
}

// OP and the message options of send and request, as the a{sv} the broker takes.
Dict parse_message(Words& words) {
    if (words.empty() || words.peek().starts_with("--")) throw UsageError{"an op is needed"};
    using namespace protocol::message_key;
    auto key = [](Index k) { return std::string(protocol::message_keys[k].name); };
    Dict message;
    message[key(op)] = words.take();
    std::vector<WireArg> arg_list;
    while (!words.empty()) {
        std::string option = words.take();
        if (option == "--session") {
            message[key(session)] = words.value_of(option);
        } else if (option == "--file") {
            message[key(file)] = words.value_of(option);
        } else if (option == "--scope") {
            static const std::map<std::string_view, protocol::Scope> scopes{{"session", protocol::Scope::SESSION},
                                                                         {"file", protocol::Scope::FILE},
                                                                         {"both", protocol::Scope::BOTH},
                                                                         {"file_in_session", protocol::Scope::FILE_IN_SESSION}};
            message[key(scope)] = enum_value(words.value_of(option), scopes, option);
        } else if (option == "--disposition") {
            using protocol::Disposition;
            static const std::map<std::string_view, Disposition> dispositions{
                {"discard", Disposition::DISCARD}, {"queue", Disposition::QUEUE}, {"start", Disposition::START},
                {"start+queue", static_cast<Disposition>(3)}};
            message[key(disposition)] = enum_value(words.value_of(option), dispositions, option);
        } else if (option == "--arg") {
            try {
                arg_list.push_back(parse_arg(words.value_of(option)));
            } catch (const ArgSyntaxError& e) {
                throw UsageError{std::string("--arg: ") + e.what()};
            }
        } else {
            throw UsageError{"unknown option '" + option + "'"};
        }
    }
    if (!arg_list.empty()) message[key(args)] = arg_list;
    return message;
}

void print(const json& j) { std::cout << j.dump(2) << '\n'; }

// Lists of dictionaries: a header line naming each entry, then its other keys.
void print_entries(const json& entries, const std::string& label, const std::string& key, bool as_json) {
    if (as_json) {
        print(entries);
        return;
    }
    for (const auto& entry : entries) {
        json rest = entry;
        std::string name = entry.contains(key) ? (entry[key].is_string() ? entry[key].get<std::string>() : entry[key].dump()) : "?";
        rest.erase(key);
        std::cout << label << ' ' << name << '\n' << readable_block(rest, "  ");
    }
}

int cmd_status(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    json status = to_json(broker.Status());
    if (as_json) {
        print(status);
    } else {
        std::cout << readable_block(status, "");
    }
    return 0;
}

int cmd_sessions(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    std::string default_session = broker.DefaultSession();
    json sessions = json::array();
    for (const auto& s : broker.Sessions()) sessions.push_back({{"session", s}, {"default", s == default_session}});
    if (as_json) {
        print(sessions);
        return 0;
    }
    for (const auto& s : sessions) std::cout << (s["default"].get<bool>() ? "* " : "  ") << s["session"].get<std::string>() << '\n';
    return 0;
}

int cmd_procids(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    print_entries(to_json(broker.Procids()), "procid", "procid", as_json);
    return 0;
}

int cmd_patterns(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    print_entries(to_json(broker.Patterns()), "pattern", "id", as_json);
    return 0;
}

int cmd_queue(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    print_entries(to_json(broker.Queue()), "message", "id", as_json);
    return 0;
}

// Ptype instances being started or running, with their systemd unit and its state.
int cmd_launches(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    print_entries(to_json(broker.Launches()), "launch", "token", as_json);
    return 0;
}

int cmd_ptypes(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    auto ptypes = broker.Ptypes();
    if (as_json) {
        print(json(ptypes));
        return 0;
    }
    for (const auto& p : ptypes) std::cout << p << '\n';
    return 0;
}

int cmd_reload(BrokerProxy& broker, Words& words, bool as_json) {
    words.expect_end();
    auto [ptypes, otypes] = broker.ReloadTypes();
    if (as_json) {
        print({{"ptypes", ptypes}, {"otypes", otypes}});
        return 0;
    }
    std::cout << "loaded " << ptypes << " ptypes and " << otypes << " otypes\n";
    return 0;
}

int cmd_send(BrokerProxy& broker, Words& words, bool as_json) {
    std::string id = broker.Notify(parse_message(words));
    if (as_json) {
        print({{"id", id}});
        return 0;
    }
    std::cout << id << '\n';
    return 0;
}

int cmd_request(BrokerProxy& broker, Words& words, bool as_json) {
    Dict message = parse_message(words);
    json reply;
    try {
        reply = to_json(broker.Call(message));
    } catch (const sdbus::Error& e) {
        BrokerFailure failure = describe(e);
        if (as_json) print({{"error", e.getName()}, {"status", failure.status ? json(*failure.status) : json(nullptr)}, {"message", e.getMessage()}});
        std::cerr << "ttbusctl: request failed: " << failure.text << '\n';
        return failure.status ? exit_refused : exit_error;
    }
    if (as_json) {
        print(reply);
        return 0;
    }
    if (reply.contains("args")) {
        for (const auto& a : reply["args"]) std::cout << readable_arg(a) << '\n';
    }
    return 0;
}

int cmd_monitor(sdbus::IConnection& connection, Words& words, bool as_json) {
    MonitorOptions o;
    o.json = as_json;
    while (!words.empty()) {
        std::string option = words.take();
        if (option == "--session") {
            o.session = words.value_of(option);
        } else if (option == "--op") {
            o.op = words.value_of(option);
        } else if (option == "--procid") {
            o.procid = words.value_of(option);
        } else if (option == "--count") {
            std::string n = words.value_of(option);
            std::uint64_t count = 0;
            auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
            if (ec != std::errc() || end != n.data() + n.size() || count == 0) throw UsageError{"--count needs a positive number"};
            o.count = count;
        } else {
            throw UsageError{"unknown option '" + option + "'"};
        }
    }
    return monitor(connection, o);
}

using BrokerCommand = int (*)(BrokerProxy&, Words&, bool);

const std::map<std::string_view, BrokerCommand>& broker_commands() {
    static const std::map<std::string_view, BrokerCommand> table{
        {"status", cmd_status}, {"sessions", cmd_sessions}, {"procids", cmd_procids}, {"patterns", cmd_patterns},
        {"queue", cmd_queue},   {"launches", cmd_launches}, {"ptypes", cmd_ptypes},     {"reload", cmd_reload},   {"send", cmd_send},
        {"request", cmd_request},
    };
    return table;
}

}  // namespace

int main(int argc, char** argv) {
    bool as_json = false;
    std::optional<std::string> command;
    std::vector<std::string> rest;
    // --json, --help and --version are taken wherever they stand; the first other word is the command.
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--json") {
            as_json = true;
        } else if (arg == "-h" || arg == "--help") {
            std::cout << usage_text;
            return 0;
        } else if (arg == "--version") {
            std::cout << "ttbusctl (ttbus) " << TTBUS_VERSION << '\n';
            return 0;
        } else if (!command) {
            command = std::string(arg);
        } else {
            rest.emplace_back(arg);
        }
    }
    try {
        if (!command) throw UsageError{"no command"};
        Words words(std::move(rest));
        auto connection = sdbus::createSessionBusConnection();
        if (*command == "monitor") return cmd_monitor(*connection, words, as_json);
        auto it = broker_commands().find(*command);
        if (it == broker_commands().end()) throw UsageError{"unknown command '" + *command + "'"};
        BrokerProxy broker(*connection);
        return it->second(broker, words, as_json);
    } catch (const UsageError& e) {
        std::cerr << "ttbusctl: " << e.message << '\n' << usage_text;
        return exit_error;
    } catch (const sdbus::Error& e) {
        BrokerFailure failure = describe(e);
        std::cerr << "ttbusctl: " << failure.text << '\n';
        return failure.status ? exit_refused : exit_error;
    }
}
