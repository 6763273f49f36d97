#include "readable.h"

#include "protocol/enums.h"
#include "protocol/keys.h"
#include "protocol/wire.h"  // Delivery

#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace ttbus::tools {

namespace {

using json = nlohmann::json;
namespace protocol = ttbus::protocol;

template <typename Enum>
std::function<std::string(std::int64_t)> enum_namer() {
    return [](std::int64_t v) {
        std::string_view n = protocol::name(static_cast<Enum>(v));
        return n.empty() ? std::to_string(v) : std::string(n);
    };
}

std::string delivery_name(std::int64_t v) {
    using protocol::Delivery;
    for (auto [d, name] : {std::pair{Delivery::handle, "handle"}, {Delivery::observe, "observe"}, {Delivery::vote, "vote"}}) {
        if (v == static_cast<std::int64_t>(d)) return name;
    }
    return std::to_string(v);
}

std::string status_name(std::int64_t v) {
    std::string_view n = protocol::status_name(static_cast<protocol::Status>(v));
    return n.empty() ? std::to_string(v) : std::string(n) + " (" + std::to_string(v) + ")";
}

// Keys whose integers (or arrays of integers) are ToolTalk enumerations: the message and pattern
// keys (protocol/keys.h), a queued message's queue scope, and an arg's mode.
using Namer = std::function<std::string(std::int64_t)>;
const std::map<std::string, Namer, std::less<>>& enum_keys() {
    static const auto table = [] {
        using namespace protocol;
        std::map<std::string, Namer, std::less<>> t;
        // A message key and the pattern key that holds a set of the same enumeration.
        auto both = [&](message_key::Index m, pattern_key::Index p, const Namer& namer) {
            t.emplace(message_keys[m].name, namer);
            t.emplace(pattern_keys[p].name, namer);
        };
        both(message_key::cls, pattern_key::classes, enum_namer<Class>());
        both(message_key::address, pattern_key::addresses, enum_namer<Address>());
        both(message_key::scope, pattern_key::scopes, enum_namer<Scope>());
        both(message_key::disposition, pattern_key::dispositions, enum_namer<Disposition>());
        both(message_key::state, pattern_key::states, enum_namer<State>());
        t.emplace(pattern_keys[pattern_key::category].name, enum_namer<Category>());
        t.emplace(message_keys[message_key::status].name, status_name);
        t.emplace(message_keys[message_key::delivery].name, delivery_name);
        t.emplace(queue_keys[queue_key::queue_scope].name, enum_namer<Scope>());
        t.emplace("mode", enum_namer<Mode>());
        return t;
    }();
    return table;
}

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default: out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string mode_name(const json& mode) {
    if (!mode.is_number_integer()) return mode.dump();
    switch (mode.get<std::int64_t>()) {
    case 1: return "in";
    case 2: return "out";
    case 3: return "inout";
    default: return "mode " + mode.dump();
    }
}

std::string scalar(const json& value, const std::function<std::string(std::int64_t)>* namer) {
    if (namer && value.is_number_integer()) return (*namer)(value.get<std::int64_t>());
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

// The items of a JSON array through `each`, separated by ", ".
std::string join(const json& items, const std::function<std::string(const json&)>& each) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += each(item);
    }
    return out;
}

bool is_list_of_scalars(const json& value) {
    if (!value.is_array()) return false;
    for (const auto& v : value) {
        if (v.is_object() || v.is_array()) return false;
    }
    return true;
}

// One line for the shapes the broker puts in lists (args, contexts, otype signatures); nullopt
// for other dictionaries, which get a block of their own.
std::optional<std::string> item_line(const json& item) {
    if (!item.is_object()) return item.dump();
    if (item.contains("vtype") && item.contains("value")) return readable_arg(item);
    if (item.contains("slot") && item.contains("value")) {
        return item["slot"].get<std::string>() + " = " + readable_value(item["value"]);
    }
    if (item.contains("slot") && item.contains("values")) {
        return item["slot"].get<std::string>() + " in [" + join(item["values"], readable_value) + "]";
    }
    if (item.contains("op") && item.contains("args")) {
        auto signature_arg = [](const json& a) { return mode_name(a["mode"]) + " " + a["vtype"].get<std::string>(); };
        return item["op"].get<std::string>() + "(" + join(item["args"], signature_arg) + ")";
    }
    return std::nullopt;
}

// Unset fields (empty strings and lists) would bury the ones that say something.
bool is_unset(const json& value) {
    return (value.is_string() && value.get<std::string>().empty()) || (value.is_array() && value.empty());
}

const Namer* namer_of(const std::string& key) {
    auto it = enum_keys().find(key);
    return it == enum_keys().end() ? nullptr : &it->second;
}

}  // namespace

std::string readable_value(const json& value) {
    if (value.is_null()) return "(unset)";
    if (value.is_number_integer()) return value.dump();
    if (value.is_string()) return quoted(value.get<std::string>());
    if (value.is_object() && value.contains("hex")) return "<hex " + value["hex"].get<std::string>() + ">";
    return value.dump();
}

std::string readable_arg(const json& arg) {
    return mode_name(arg["mode"]) + " " + arg["vtype"].get<std::string>() + " " + readable_value(arg["value"]);
}

std::string readable_block(const json& object, std::string_view indent) {
    std::string out;
    for (const auto& [key, value] : object.items()) {
        if (is_unset(value)) continue;
        const auto* namer = namer_of(key);
        out += std::string(indent) + key + ":";
        if (is_list_of_scalars(value)) {
            out += " " + join(value, [&](const json& v) { return scalar(v, namer); }) + "\n";
        } else if (value.is_array()) {
            out += "\n";
            for (std::size_t i = 0; i < value.size(); ++i) {
                out += std::string(indent) + "  [" + std::to_string(i) + "]";
                if (auto line = item_line(value[i])) {
                    out += " " + *line + "\n";
                } else {
                    out += "\n" + readable_block(value[i], std::string(indent) + "    ");
                }
            }
        } else if (value.is_object()) {
            out += "\n" + readable_block(value, std::string(indent) + "  ");
        } else {
            out += " " + scalar(value, namer) + "\n";
        }
    }
    return out;
}

std::string readable_line(const json& object) {
    std::string out;
    for (const auto& [key, value] : object.items()) {
        if (is_unset(value)) continue;
        const auto* namer = namer_of(key);
        auto item = [&](const json& v) -> std::string {
            if (v.is_object()) return item_line(v).value_or("{" + readable_line(v) + "}");
            if (v.is_string() && v.get<std::string>().find(' ') != std::string::npos) return quoted(v.get<std::string>());
            return scalar(v, namer);
        };
        if (!out.empty()) out += ' ';
        out += key + "=" + (value.is_array() ? "[" + join(value, item) + "]" : item(value));
    }
    return out;
}

}  // namespace ttbus::tools
