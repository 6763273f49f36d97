// Argument and context values: unset, integer, or a byte string (C strings and byte
// arrays are one kind, length-counted, and may hold NULs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace ttbus::protocol {

using Value = std::variant<std::monostate, std::int32_t, std::string>;

inline bool is_unset(const Value& v) { return std::holds_alternative<std::monostate>(v); }
inline bool is_int(const Value& v) { return std::holds_alternative<std::int32_t>(v); }
inline bool is_bytes(const Value& v) { return std::holds_alternative<std::string>(v); }

// Text for logs and printing: ints in decimal, bytes as they are, unset as "(unset)".
std::string to_display(const Value& v);

// A value seen without owning it, so that stored patterns can keep their bytes interned.
// Equal exactly when the Values would be: same kind and same contents.
struct ValueRef {
    enum class Kind : std::uint8_t { UNSET, INT, BYTES };
    Kind kind = Kind::UNSET;
    std::int32_t integer = 0;
    std::string_view bytes;

    ValueRef() = default;
    ValueRef(Kind k, std::int32_t i, std::string_view b) : kind(k), integer(i), bytes(b) {}
    ValueRef(const Value& v) {  // implicit: any Value can be looked at as one
        if (const auto* i = std::get_if<std::int32_t>(&v)) {
            kind = Kind::INT;
            integer = *i;
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            kind = Kind::BYTES;
            bytes = *s;
        }
    }
    friend bool operator==(const ValueRef&, const ValueRef&) = default;
};

inline bool is_unset(const ValueRef& v) { return v.kind == ValueRef::Kind::UNSET; }

}  // namespace ttbus::protocol
