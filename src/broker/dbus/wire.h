// The D-Bus form of ToolTalk values, messages, patterns and answers (docs/dbus-api.md), and the
// checks every one of them passes before it reaches the engine.
#pragma once

#include "core/effect.h"
#include "core/engine.h"

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ttbus::dbus {

using Dict = std::map<std::string, sdbus::Variant>;
using WireValue = sdbus::Struct<std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;
using WireContext = sdbus::Struct<std::string, std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;
using WirePatternContext = sdbus::Struct<std::string, std::vector<WireValue>>;

inline constexpr std::size_t max_args = 256;
inline constexpr std::size_t max_message_bytes = 4u << 20;

// A bad input: the status names the D-Bus error, the text says what was wrong.
struct WireError : std::runtime_error {
    WireError(core::Status s, const std::string& text) : std::runtime_error(text), status(s) {}
    core::Status status;
};

core::Value decode_value(const WireValue& v);
WireValue encode_value(const core::Value& v);

core::Message decode_message(const Dict& d);
Dict encode_message(const core::MessageView& m);
core::Pattern decode_pattern(const Dict& d);
Dict encode_pattern(const core::Pattern& p);
core::Answer decode_answer(const Dict& d);

// Fetches an optional key of the given type from an options dictionary; WireError if mistyped.
template <typename T>
T option(const Dict& d, const std::string& key, T fallback) {
    auto it = d.find(key);
    if (it == d.end()) return fallback;
    if (!it->second.containsValueOfType<T>()) {
        throw WireError(core::Status::ERR_INVALID, "key '" + key + "' has type " + it->second.peekValueType());
    }
    return it->second.get<T>();
}
// Every key of `d` must be in `known`.
void only_keys(const Dict& d, std::initializer_list<const char*> known);

}  // namespace ttbus::dbus
