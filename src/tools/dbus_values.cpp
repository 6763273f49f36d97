#include "dbus_values.h"

#include <functional>
#include <map>

namespace ttbus::tools {

namespace {

using json = nlohmann::json;

template <typename T>
json plain(const sdbus::Variant& v) {
    return json(v.get<T>());
}

json arg_to_json(const WireArg& a) {
    return json{{"mode", std::get<0>(a)},
                {"vtype", std::get<1>(a)},
                {"value", value_to_json(std::get<2>(a), std::get<3>(a), std::get<4>(a))}};
}

json args_to_json(const sdbus::Variant& v) {
    json out = json::array();
    for (const auto& a : v.get<std::vector<WireArg>>()) out.push_back(arg_to_json(a));
    return out;
}

json message_contexts_to_json(const sdbus::Variant& v) {
    using Context = sdbus::Struct<std::string, std::uint32_t, std::int32_t, Bytes>;
    json out = json::array();
    for (const auto& c : v.get<std::vector<Context>>()) {
        out.push_back({{"slot", std::get<0>(c)}, {"value", value_to_json(std::get<1>(c), std::get<2>(c), std::get<3>(c))}});
    }
    return out;
}

json pattern_contexts_to_json(const sdbus::Variant& v) {
    using Context = sdbus::Struct<std::string, std::vector<WireValue>>;
    json out = json::array();
    for (const auto& c : v.get<std::vector<Context>>()) {
        json values = json::array();
        for (const auto& value : std::get<1>(c)) {
            values.push_back(value_to_json(std::get<0>(value), std::get<1>(value), std::get<2>(value)));
        }
        out.push_back({{"slot", std::get<0>(c)}, {"values", values}});
    }
    return out;
}

// Otype signatures: (op, [(mode, vtype)]).
json signatures_to_json(const sdbus::Variant& v) {
    using Signature = sdbus::Struct<std::string, std::vector<sdbus::Struct<std::int32_t, std::string>>>;
    json out = json::array();
    for (const auto& s : v.get<std::vector<Signature>>()) {
        json args = json::array();
        for (const auto& a : std::get<1>(s)) args.push_back({{"mode", std::get<0>(a)}, {"vtype", std::get<1>(a)}});
        out.push_back({{"op", std::get<0>(s)}, {"args", args}});
    }
    return out;
}

json bytes_to_json(const sdbus::Variant& v) { return json{{"hex", to_hex(v.get<Bytes>())}}; }

json byte_lists_to_json(const sdbus::Variant& v) {
    json out = json::array();
    for (const auto& b : v.get<std::vector<Bytes>>()) out.push_back(json{{"hex", to_hex(b)}});
    return out;
}

json value_variant_to_json(const sdbus::Variant& v) {
    auto value = v.get<WireValue>();
    return value_to_json(std::get<0>(value), std::get<1>(value), std::get<2>(value));
}

// Decoders by D-Bus signature: every shape docs/dbus-api.md puts in an a{sv}, plus the basic types.
const std::map<std::string, std::function<json(const sdbus::Variant&)>, std::less<>>& decoders() {
    static const std::map<std::string, std::function<json(const sdbus::Variant&)>, std::less<>> table{
        {"s", plain<std::string>},
        {"o", [](const sdbus::Variant& v) { return json(std::string(v.get<sdbus::ObjectPath>())); }},
        {"b", plain<bool>},
        {"y", plain<std::uint8_t>},
        {"n", plain<std::int16_t>},
        {"q", plain<std::uint16_t>},
        {"i", plain<std::int32_t>},
        {"u", plain<std::uint32_t>},
        {"x", plain<std::int64_t>},
        {"t", plain<std::uint64_t>},
        {"d", plain<double>},
        {"as", plain<std::vector<std::string>>},
        {"ai", plain<std::vector<std::int32_t>>},
        {"au", plain<std::vector<std::uint32_t>>},
        {"at", plain<std::vector<std::uint64_t>>},
        {"ay", bytes_to_json},
        {"aay", byte_lists_to_json},
        {"(uiay)", value_variant_to_json},
        {"a(isuiay)", args_to_json},
        {"a(suiay)", message_contexts_to_json},
        {"a(sa(uiay))", pattern_contexts_to_json},
        {"a(sa(is))", signatures_to_json},
        {"a{sv}", [](const sdbus::Variant& v) { return to_json(v.get<Dict>()); }},
        {"aa{sv}", [](const sdbus::Variant& v) { return to_json(v.get<std::vector<Dict>>()); }},
    };
    return table;
}

bool is_continuation(std::uint8_t b) { return (b & 0xC0) == 0x80; }

}  // namespace

json value_to_json(std::uint32_t kind, std::int32_t int_value, const Bytes& bytes) {
    switch (kind) {
    case kind_unset:
        return nullptr;
    case kind_int:
        return int_value;
    case kind_bytes:
        if (is_printable_text(bytes)) return std::string(bytes.begin(), bytes.end());
        return json{{"hex", to_hex(bytes)}};
    default:
        return json{{"kind", kind}};
    }
}

json to_json(const sdbus::Variant& v) {
    const std::string signature = v.peekValueType();
    const auto& table = decoders();
    auto it = table.find(signature);
    if (it == table.end()) return json{{"dbus_signature", signature}};
    return it->second(v);
}

json to_json(const Dict& dict) {
    json out = json::object();
    for (const auto& [key, value] : dict) out[key] = to_json(value);
    return out;
}

json to_json(const std::vector<Dict>& list) {
    json out = json::array();
    for (const auto& d : list) out.push_back(to_json(d));
    return out;
}

std::string to_hex(const Bytes& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
    return out;
}

std::optional<Bytes> from_hex(std::string_view text) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out;
    int high = -1;
    for (char c : text) {
        if (c == ' ' || c == ':') {
            if (high >= 0) return std::nullopt;  // a separator may not split a byte
            continue;
        }
        int d = digit(c);
        if (d < 0) return std::nullopt;
        if (high < 0) {
            high = d;
        } else {
            out.push_back(static_cast<std::uint8_t>(high * 16 + d));
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

bool is_printable_text(const Bytes& bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        std::uint8_t b = bytes[i];
        if (b < 0x80) {
            if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7F) return false;
            ++i;
            continue;
        }
        // Lengths and lowest code points of the 2-, 3- and 4-byte forms; overlong forms,
        // surrogates and values past U+10FFFF are not UTF-8.
        std::size_t length = 0;
        std::uint32_t code = 0;
        std::uint32_t lowest = 0;
        if ((b & 0xE0) == 0xC0) {
            length = 2, code = b & 0x1F, lowest = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            length = 3, code = b & 0x0F, lowest = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            length = 4, code = b & 0x07, lowest = 0x10000;
        } else {
            return false;
        }
        if (i + length > bytes.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            if (!is_continuation(bytes[i + k])) return false;
            code = (code << 6) | (bytes[i + k] & 0x3F);
        }
        if (code < lowest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += length;
    }
    return true;
}

}  // namespace ttbus::tools
