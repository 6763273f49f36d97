// ttbusctl: look into ttbusd and talk ToolTalk from the shell. Every subcommand is one or two
// Broker1/Monitor1 calls; output is text for people, or with --json the broker's dictionaries
// key for key (dbus_values.h). Exit status: 0 ok, 1 no bus or no broker, 2 usage, 3 the broker
// refused (an org.ttbus.Error, e.g. a request that failed; its ToolTalk status is printed).
#include "arg_syntax.h"
#include "broker_error.h"
#include "broker_proxies.h"
#include "command_line.h"
#include "dbus_values.h"
#include "readable.h"
#include "session_bus.h"
#include "ttbusctl_monitor.h"

#include "protocol/enums.h"
#include "protocol/keys.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
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
namespace cli = ttbus::cli;
using cli::format;
namespace protocol = ttbus::protocol;

constexpr int exit_error = 1;
constexpr int exit_usage = 2;
constexpr int exit_refused = 3;

std::string usage_text() {
    return _("Usage: ttbusctl [--json] [--session=S] COMMAND [options]\n"
             "  status                      the broker's version and counts\n"
             "  sessions                    sessions ('*' marks the default one)\n"
             "  procids | patterns | queue  open procids, registered patterns, queued messages\n"
             "  launches                    started handlers: token, ptype, systemd unit and its state\n"
             "  ptypes                      loaded ptypes\n"
             "  reload                      re-read the type database\n"
             "  send OP [message options]   send a notice; prints its message id\n"
             "  request OP [message options]\n"
             "                              send a request and wait for it; prints the reply's args\n"
             "  monitor [--session=S] [--op=OP] [--procid=P] [--count=N] [--oneline]\n"
             "                              show messages and state changes live; --oneline: one\n"
             "                              timestamped line per event\n"
             "message options:\n"
             "  --session=S   --file=F   --scope=session|file|both|file_in_session\n"
             "                (file scopes need --file)\n"
             "  --disposition=discard|queue|start|start+queue\n"
             "  --arg=MODE:VTYPE[:VALUE]    repeatable; MODE in|out|inout; VALUE int:N, string:TEXT,\n"
             "                              bytes:HEX, or plain (kind from the vtype: int, bytes, else string)\n"
             "  --json      machine-readable output (monitor: one object per line)\n"
             "  -h, --help  this help;  --version\n"
             "Exit status: 0 ok, 1 no bus or no broker, 2 usage, 3 the broker refused (its ToolTalk status is "
             "printed).\n");
}

enum OptionId : int {
    opt_json = 256,
    opt_version,
    opt_session,
    opt_file,
    opt_scope,
    opt_disposition,
    opt_arg,
    opt_op,
    opt_procid,
    opt_count,
    opt_oneline,
};

const option long_options[] = {
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, opt_version},
    {"json", no_argument, nullptr, opt_json},
    {"session", required_argument, nullptr, opt_session},
    {"file", required_argument, nullptr, opt_file},
    {"scope", required_argument, nullptr, opt_scope},
    {"disposition", required_argument, nullptr, opt_disposition},
    {"arg", required_argument, nullptr, opt_arg},
    {"op", required_argument, nullptr, opt_op},
    {"procid", required_argument, nullptr, opt_procid},
    {"count", required_argument, nullptr, opt_count},
    {"oneline", no_argument, nullptr, opt_oneline},
    {nullptr, 0, nullptr, 0},
};

// Everything on the command line: the options (each at most once, but --arg) and the words
// left, the command first. Options may stand before or after the command.
struct CommandLine {
    bool json = false;
    std::map<int, std::vector<std::string>> options;
    std::vector<std::string> words;

    std::optional<std::string> value(int id) const {
        auto it = options.find(id);
        if (it == options.end()) return std::nullopt;
        return it->second.back();
    }
};

std::string option_name(int id) {
    for (const option* o = long_options; o->name; ++o) {
        if (o->val == id) return std::string("--") + o->name;
    }
    return "?";
}

CommandLine parse_command_line(int argc, char** argv) {
    CommandLine line;
    for (int c; (c = cli::next_option(argc, argv, "h", long_options)) != -1;) {
        if (c == 'h') std::exit(cli::print_help(usage_text()));
        if (c == opt_version) std::exit(cli::print_version());
        if (c == opt_json) {
            line.json = true;
            continue;
        }
        auto& values = line.options[c];
        if (!values.empty() && c != opt_arg) cli::usage_error(format(_("%s is given twice"), option_name(c)));
        values.emplace_back(optarg ? optarg : "");
    }
    line.words.assign(argv + optind, argv + argc);
    if (line.words.empty()) cli::usage_error(_("no command"));
    return line;
}

// Options a command does not take are mistakes, not silently ignored.
void allow_only(const CommandLine& line, std::initializer_list<int> allowed) {
    for (const auto& [id, values] : line.options) {
        if (std::find(allowed.begin(), allowed.end(), id) == allowed.end()) {
            cli::usage_error(format(_("%s is not an option of '%s'"), option_name(id), line.words[0]));
        }
    }
}

void expect_words(const CommandLine& line, std::size_t count) {
    if (line.words.size() > count) cli::usage_error(format(_("unexpected argument '%s'"), line.words[count]));
}

// A command that takes no options and no words.
void expect_nothing_more(const CommandLine& line) {
    allow_only(line, {});
    expect_words(line, 1);
}

template <typename Enum>
std::int32_t enum_value(std::string_view text, const std::map<std::string_view, Enum>& names, int option) {
    auto it = names.find(text);
    if (it == names.end()) cli::usage_error(format(_("%s: unknown value '%s'"), option_name(option), text));
    return static_cast<std::int32_t>(it->second);
}

// OP and the message options of send and request, as the a{sv} the broker takes.
Dict parse_message(const CommandLine& line) {
    allow_only(line, {opt_session, opt_file, opt_scope, opt_disposition, opt_arg});
    if (line.words.size() < 2) cli::usage_error(format(_("'%s' needs an op"), line.words[0]));
    expect_words(line, 2);
    using namespace protocol::message_key;
    auto key = [](Index k) { return std::string(protocol::message_keys[k].name); };
    Dict message;
    message[key(op)] = line.words[1];
    if (auto session = line.value(opt_session)) message[key(protocol::message_key::session)] = *session;
    if (auto file = line.value(opt_file)) message[key(protocol::message_key::file)] = *file;
    if (auto scope = line.value(opt_scope)) {
        static const std::map<std::string_view, protocol::Scope> scopes{{"session", protocol::Scope::SESSION},
                                                                     {"file", protocol::Scope::FILE},
                                                                     {"both", protocol::Scope::BOTH},
                                                                     {"file_in_session", protocol::Scope::FILE_IN_SESSION}};
        std::int32_t value = enum_value(*scope, scopes, opt_scope);
        // The broker would only answer TT_ERR_FILE; say which option is missing.
        if (value != static_cast<std::int32_t>(protocol::Scope::SESSION) && !line.value(opt_file)) {
            cli::usage_error(format(_("--scope %s needs --file=FILE, the file the message is about"), *scope));
        }
        message[key(protocol::message_key::scope)] = value;
    }
    if (auto disposition = line.value(opt_disposition)) {
        using protocol::Disposition;
        static const std::map<std::string_view, Disposition> dispositions{
            {"discard", Disposition::DISCARD}, {"queue", Disposition::QUEUE}, {"start", Disposition::START},
            {"start+queue", static_cast<Disposition>(3)}};
        message[key(protocol::message_key::disposition)] = enum_value(*disposition, dispositions, opt_disposition);
    }
    if (line.options.contains(opt_arg)) {
        std::vector<WireArg> arg_list;
        for (const auto& text : line.options.at(opt_arg)) {
            try {
                arg_list.push_back(parse_arg(text));
            } catch (const ArgSyntaxError& e) {
                cli::usage_error(std::string("--arg: ") + e.what());
            }
        }
        message[key(protocol::message_key::args)] = arg_list;
    }
    return message;
}

void print(const json& j) { std::cout << j.dump(2) << '\n'; }

// Lists of dictionaries: a header line naming each entry by `name_key`, then its other keys.
void print_entries(const json& entries, const std::string& label, const protocol::Key& name_key, bool as_json) {
    if (as_json) {
        print(entries);
        return;
    }
    const std::string key(name_key.name);
    for (const auto& entry : entries) {
        json rest = entry;
        std::string name = entry.contains(key) ? (entry[key].is_string() ? entry[key].get<std::string>() : entry[key].dump()) : "?";
        rest.erase(key);
        std::cout << label << ' ' << name << '\n' << readable_block(rest, "  ");
    }
}

int cmd_status(BrokerProxy& broker, const CommandLine&, bool as_json) {
    json status = to_json(broker.Status());
    if (as_json) {
        print(status);
    } else {
        std::cout << readable_block(status, "");
    }
    return 0;
}

int cmd_sessions(BrokerProxy& broker, const CommandLine&, bool as_json) {
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

int cmd_procids(BrokerProxy& broker, const CommandLine&, bool as_json) {
    print_entries(to_json(broker.Procids()), "procid", protocol::procid_info_keys[protocol::procid_info_key::procid], as_json);
    return 0;
}

int cmd_patterns(BrokerProxy& broker, const CommandLine&, bool as_json) {
    print_entries(to_json(broker.Patterns()), "pattern", protocol::pattern_entry_keys[protocol::pattern_entry_key::id], as_json);
    return 0;
}

int cmd_queue(BrokerProxy& broker, const CommandLine&, bool as_json) {
    print_entries(to_json(broker.Queue()), "message", protocol::message_keys[protocol::message_key::id], as_json);
    return 0;
}

// Ptype instances being started or running, with their systemd unit and its state.
int cmd_launches(BrokerProxy& broker, const CommandLine&, bool as_json) {
    print_entries(to_json(broker.Launches()), "launch", protocol::launch_keys[protocol::launch_key::token], as_json);
    return 0;
}

int cmd_ptypes(BrokerProxy& broker, const CommandLine&, bool as_json) {
    auto ptypes = broker.Ptypes();
    if (as_json) {
        print(json(ptypes));
        return 0;
    }
    for (const auto& p : ptypes) std::cout << p << '\n';
    return 0;
}

int cmd_reload(BrokerProxy& broker, const CommandLine&, bool as_json) {
    auto [ptypes, otypes] = broker.ReloadTypes();
    if (as_json) {
        print({{"ptypes", ptypes}, {"otypes", otypes}});
        return 0;
    }
    std::cout << format(_("loaded %s ptypes and %s otypes"), std::to_string(ptypes), std::to_string(otypes)) << '\n';
    return 0;
}

int cmd_send(BrokerProxy& broker, const CommandLine& line, bool as_json) {
    std::string id = broker.Notify(parse_message(line));
    if (as_json) {
        print({{"id", id}});
        return 0;
    }
    std::cout << id << '\n';
    return 0;
}

int cmd_request(BrokerProxy& broker, const CommandLine& line, bool as_json) {
    Dict message = parse_message(line);
    json reply;
    try {
        reply = to_json(broker.Call(message));
    } catch (const sdbus::Error& e) {
        BrokerFailure failure = describe(e);
        if (as_json) print({{"error", e.getName()}, {"status", failure.status ? json(*failure.status) : json(nullptr)}, {"message", e.getMessage()}});
        cli::error(format(_("request failed: %s"), failure.text));
        return failure.status ? exit_refused : exit_error;
    }
    if (as_json) {
        print(reply);
        return 0;
    }
    if (const std::string args(protocol::message_keys[protocol::message_key::args].name); reply.contains(args)) {
        for (const auto& a : reply[args]) std::cout << readable_arg(a) << '\n';
    }
    return 0;
}

MonitorOptions monitor_options(const CommandLine& line, bool as_json) {
    allow_only(line, {opt_session, opt_op, opt_procid, opt_count, opt_oneline});
    expect_words(line, 1);
    MonitorOptions o;
    o.json = as_json;
    o.oneline = line.options.contains(opt_oneline);
    if (o.json && o.oneline) cli::usage_error(_("--json and --oneline exclude each other"));
    o.session = line.value(opt_session);
    o.op = line.value(opt_op);
    o.procid = line.value(opt_procid);
    if (auto n = line.value(opt_count)) {
        std::uint64_t count = 0;
        auto [end, ec] = std::from_chars(n->data(), n->data() + n->size(), count);
        if (ec != std::errc() || end != n->data() + n->size() || count == 0) {
            cli::usage_error(_("--count needs a positive number"));
        }
        o.count = count;
    }
    return o;
}

using BrokerCommand = int (*)(BrokerProxy&, const CommandLine&, bool);

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
    cli::start("ttbusctl", argv, exit_usage);
    CommandLine line = parse_command_line(argc, argv);
    const std::string& command = line.words[0];
    auto it = broker_commands().find(command);
    if (command != "monitor" && it == broker_commands().end()) {
        cli::usage_error(format(_("unknown command '%s'"), command));
    }
    // The whole command line is checked before the bus is opened: a mistake is a mistake with
    // or without a broker.
    std::optional<MonitorOptions> monitoring;
    if (command == "monitor") {
        monitoring = monitor_options(line, line.json);
    } else if (command == "send" || command == "request") {
        parse_message(line);
    } else {
        expect_nothing_more(line);
    }
    try {
        auto connection = open_session_bus();
        if (monitoring) return monitor(*connection, *monitoring);
        BrokerProxy broker(*connection);
        return it->second(broker, line, line.json);
    } catch (const sdbus::Error& e) {
        BrokerFailure failure = describe(e);
        cli::error(failure.text);
        return failure.status ? exit_refused : exit_error;
    }
}
