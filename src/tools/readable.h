// Text for people from the JSON form of the broker's dictionaries (dbus_values.h): one
// "key: value" line per key, enums by their ToolTalk names, args and contexts one per line.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ttbus::tools {

// The keys of `object`, one per line, each line starting with `indent`; keys whose value is an
// empty string or list are left out.
std::string readable_block(const nlohmann::json& object, std::string_view indent);

// The keys of `object` on one line: key=value separated by spaces, lists in [], dictionaries in {}.
std::string readable_line(const nlohmann::json& object);

// An argument object {"mode", "vtype", "value"}: `in string "text"`.
std::string readable_arg(const nlohmann::json& arg);

// A value: 42, "text" (C escapes), <hex 00ff>, (unset).
std::string readable_value(const nlohmann::json& value);

}  // namespace ttbus::tools
