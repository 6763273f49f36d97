// The D-Bus shapes of ToolTalk values (docs/dbus-api.md "Values") and their JSON form, shared by
// the tools: JSON mirrors the broker's a{sv} key for key and keeps enums numeric; only the value
// structs become objects so that unset, int and bytes can be told apart.
#pragma once

#include "broker_proxies.h"

#include <nlohmann/json.hpp>
#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::tools {

using client::Dict;

using Bytes = std::vector<std::uint8_t>;

// (u kind, i int, ay bytes)
inline constexpr std::uint32_t kind_unset = 0;
inline constexpr std::uint32_t kind_int = 1;
inline constexpr std::uint32_t kind_bytes = 2;

// An argument: (i mode, s vtype, u kind, i int, ay bytes).
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, Bytes>;
// A value alone: (u kind, i int, ay bytes).
using WireValue = sdbus::Struct<std::uint32_t, std::int32_t, Bytes>;

// A value as JSON: null (unset), a number (int), a string (bytes that are printable UTF-8),
// {"hex": "..."} (other bytes), {"kind": n} (a kind this tool does not know).
nlohmann::json value_to_json(std::uint32_t kind, std::int32_t int_value, const Bytes& bytes);

// Any variant the contract uses; a signature it does not know becomes {"dbus_signature": sig}.
nlohmann::json to_json(const sdbus::Variant& v);
nlohmann::json to_json(const Dict& dict);
nlohmann::json to_json(const std::vector<Dict>& list);

std::string to_hex(const Bytes& bytes);
// Hex digits, optionally separated by spaces or colons; nullopt when malformed.
std::optional<Bytes> from_hex(std::string_view text);

// True when the bytes read as text: valid UTF-8 without NUL or control characters but tab and newline.
bool is_printable_text(const Bytes& bytes);

}  // namespace ttbus::tools
