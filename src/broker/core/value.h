// Argument and context values: unset, integer, or a byte string (C strings and byte
// arrays are one kind, length-counted, and may hold NULs).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace ttbus::core {

using Value = std::variant<std::monostate, std::int32_t, std::string>;

inline bool is_unset(const Value& v) { return std::holds_alternative<std::monostate>(v); }
inline bool is_int(const Value& v) { return std::holds_alternative<std::int32_t>(v); }
inline bool is_bytes(const Value& v) { return std::holds_alternative<std::string>(v); }

// Text for logs and printing: ints in decimal, bytes as they are, unset as "(unset)".
std::string to_display(const Value& v);

}  // namespace ttbus::core
