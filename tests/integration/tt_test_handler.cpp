// A ToolTalk handler for the ttbusctl tests, speaking plain D-Bus through the generated proxies:
//
//     tt_test_handler [--session S] [--fail OP]... [--observe OP]... OP...
//
// It opens a procid (in S, else $TT_SESSION, else the default session), registers a handle
// pattern for requests with the given ops in session scope (and an observe pattern for notices
// with the --observe ops, which it then ignores: they exist so that a notice has a recipient),
// joins the session, prints one JSON line {"procid": ..., "session": ...} once ready, and
// answers every request it handles:
//   - ops named with --fail fail with status 1600 and the text "refused by tt_test_handler";
//   - the others are replied to: an OUT arg gets 42 (vtype int) or "handled <op>", an INOUT
//     int n becomes n + 1 and INOUT bytes are upper-cased; IN args stay as they are.
// It runs until its standard input closes or it gets SIGTERM/SIGINT.
#include "broker_error.h"
#include "broker_proxies.h"
#include "bus_loop.h"
#include "dbus_values.h"

#include <cctype>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace ttbus::tools;
using ttbus::client::ProcidProxy;

constexpr std::int32_t mode_out = 2;
constexpr std::int32_t mode_inout = 3;
constexpr std::int32_t class_notice = 1;
constexpr std::int32_t class_request = 2;
constexpr std::int32_t category_observe = 1;
constexpr std::int32_t category_handle = 2;
constexpr std::int32_t scope_session = 1;
constexpr std::uint32_t delivery_handle = 0;
constexpr std::int32_t failure_status = 1600;

std::vector<WireArg> answered_args(const std::string& op, std::vector<WireArg> args) {
    for (auto& a : args) {
        const std::int32_t mode = std::get<0>(a);
        const std::string& vtype = std::get<1>(a);
        std::uint32_t& kind = std::get<2>(a);
        std::int32_t& number = std::get<3>(a);
        Bytes& bytes = std::get<4>(a);
        if (mode == mode_out) {
            std::string text = "handled " + op;
            bool as_int = vtype == "int";
            kind = as_int ? kind_int : kind_bytes;
            number = as_int ? 42 : 0;
            bytes = as_int ? Bytes{} : Bytes(text.begin(), text.end());
        } else if (mode == mode_inout && kind == kind_int) {
            number += 1;
        } else if (mode == mode_inout && kind == kind_bytes) {
            for (auto& b : bytes) b = static_cast<std::uint8_t>(std::toupper(b));
        }
    }
    return args;
}

template <typename T>
T get_or(const Dict& d, const std::string& key, T fallback) {
    auto it = d.find(key);
    return it == d.end() ? fallback : it->second.get<T>();
}

int run(int argc, char** argv) {
    std::string session;
    if (const char* s = std::getenv("TT_SESSION")) session = s;
    std::set<std::string> failing;
    std::vector<std::string> ops;
    std::vector<std::string> observed;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--session" && i + 1 < argc) {
            session = argv[++i];
        } else if (arg == "--fail" && i + 1 < argc) {
            failing.insert(argv[++i]);
            ops.emplace_back(argv[i]);
        } else if (arg == "--observe" && i + 1 < argc) {
            observed.emplace_back(argv[++i]);
        } else {
            ops.push_back(arg);
        }
    }
    if (ops.empty()) {
        std::cerr << "usage: tt_test_handler [--session S] [--fail OP]... [--observe OP]... OP...\n";
        return 1;
    }

    BusLoop loop;
    auto connection = sdbus::createSessionBusConnection();
    // Deliveries are answered from the loop, not from inside the signal callback.
    std::deque<Dict> requests;
    ProcidProxy tt(
        *connection,
        [&](const std::string&, const Dict& message) {
            if (get_or<std::uint32_t>(message, "delivery", 1) == delivery_handle &&
                get_or<std::int32_t>(message, "class", 0) == class_request) {
                requests.push_back(message);
            }
        },
        [](const std::string&, const Dict&) {});

    Dict options;
    if (!session.empty()) options["session"] = session;
    auto [procid, opened_session] = tt.Open(options);
    auto register_pattern = [&](std::int32_t category, std::int32_t cls, const std::vector<std::string>& names) {
        Dict pattern;
        pattern["category"] = category;
        pattern["scopes"] = std::vector<std::int32_t>{scope_session};
        pattern["classes"] = std::vector<std::int32_t>{cls};
        pattern["ops"] = names;
        tt.PatternRegister(procid, pattern);
    };
    register_pattern(category_handle, class_request, ops);
    if (!observed.empty()) register_pattern(category_observe, class_notice, observed);
    tt.SessionJoin(procid, opened_session);
    std::cout << nlohmann::json{{"procid", procid}, {"session", opened_session}}.dump() << std::endl;

    auto answer_pending = [&] {
        while (!requests.empty()) {
            Dict message = std::move(requests.front());
            requests.pop_front();
            auto id = get_or<std::string>(message, "id", "");
            auto op = get_or<std::string>(message, "op", "");
            Dict answer;
            if (failing.count(op) != 0) {
                answer["status"] = failure_status;
                answer["status_string"] = std::string("refused by tt_test_handler");
                tt.Fail(procid, id, answer);
            } else {
                answer["args"] = answered_args(op, get_or<std::vector<WireArg>>(message, "args", {}));
                tt.Reply(procid, id, answer);
            }
        }
        return false;
    };
    loop.run(*connection, answer_pending, 0);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const sdbus::Error& e) {
        std::cerr << "tt_test_handler: " << describe(e).text << '\n';
        return 1;
    }
}
