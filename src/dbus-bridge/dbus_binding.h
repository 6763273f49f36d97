// The x-dbus member of a ptype in a JSON type file: how each op of the ptype maps to a D-Bus method
// (docs/types.md "x-dbus", docs/types.schema.json). Parsing checks everything that can be checked
// without calling the service, so a request only fails for what the service itself says.
#pragma once

#include "core/typedb.h"
#include "protocol/keys.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ttbus::bridge {

// The message fields a binding may pass to a method, named by their message keys (protocol/keys.h).
inline constexpr protocol::message_key::Index message_fields[] = {
    protocol::message_key::file,   protocol::message_key::op,           protocol::message_key::session,
    protocol::message_key::sender, protocol::message_key::sender_ptype, protocol::message_key::id};

// One D-Bus input argument: a ToolTalk arg's value, a field of the message, or a constant.
struct InItem {
    enum class Source { Arg, Field, Constant };
    Source source = Source::Arg;
    int arg = -1;           // Source::Arg
    std::string field;      // Source::Field: the message key of a string field (message_fields)
    nlohmann::json value;   // Source::Constant
    std::string type;       // D-Bus type of the argument
};

// One value of the method's reply: the ToolTalk arg it fills, or none (ignored).
struct OutItem {
    int arg = -1;      // -1: the value is ignored
    std::string type;  // "" accepts any type that maps to a ToolTalk value
};

struct OpBinding {
    std::string ptype;
    std::string op;
    std::string bus_name;
    std::string path;
    std::string interface;
    std::string method;
    int timeout_ms = -1;  // -1: the D-Bus default (25 s)
    std::optional<std::vector<InItem>> in;    // none: every IN/INOUT arg in order, int as i, bytes as s
    std::optional<std::vector<OutItem>> out;  // none: the reply's values fill the OUT/INOUT args in order
    std::map<std::string, std::int32_t> errors;  // D-Bus error name → ToolTalk status
};

struct PtypeBinding {
    std::string ptype;
    std::map<std::string, std::shared_ptr<const OpBinding>> ops;  // by op name
};

struct BindingResult {
    std::optional<PtypeBinding> binding;  // none: no x-dbus member, or an error
    std::string error;                    // "at <JSON pointer>: <what is wrong>"
};

BindingResult parse_binding(const core::Ptype& ptype);

// D-Bus types a ToolTalk value converts to and from: the basic types and ay.
bool supported_type(const std::string& type);

}  // namespace ttbus::bridge
