#include "value_conversion.h"

#include <glib.h>

#include <cstring>
#include <limits>
#include <optional>

namespace ttbus::bridge {

namespace {

struct Range {
    long long min;
    long long max;
};

// The integer types whose every value is exactly a ToolTalk int (or the other way round).
std::optional<Range> int_range(const std::string& type) {
    if (type == "y") return Range{0, 255};
    if (type == "n") return Range{-32768, 32767};
    if (type == "q") return Range{0, 65535};
    if (type == "i" || type == "x") return Range{std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
    if (type == "u" || type == "t") return Range{0, std::numeric_limits<std::int32_t>::max()};
    return std::nullopt;
}

// A number as the basic type `type`, through the C type sd-bus reads for it.
template <typename CType, typename Number>
int append_as(sd_bus_message* m, char type, Number v) {
    const auto x = static_cast<CType>(v);
    return sd_bus_message_append_basic(m, type, &x);
}

// A number as basic type `type` (one of ybnqiuxtd).
template <typename Number>
int append_number(sd_bus_message* m, Number v, char type) {
    switch (type) {
    case 'y': return append_as<std::uint8_t>(m, type, v);
    case 'n': return append_as<std::int16_t>(m, type, v);
    case 'q': return append_as<std::uint16_t>(m, type, v);
    case 'b':
    case 'i': return append_as<std::int32_t>(m, type, v);
    case 'u': return append_as<std::uint32_t>(m, type, v);
    case 'x': return append_as<std::int64_t>(m, type, v);
    case 't': return append_as<std::uint64_t>(m, type, v);
    default: return append_as<double>(m, 'd', v);
    }
}

// Only a failure of sd-bus itself (no memory, a message too large) is left to report here: the
// values were checked before.
bool appended(int r, std::string& error) {
    if (r >= 0) return true;
    error = std::string("cannot be written: ") + std::strerror(-r);
    return false;
}

bool is_text(const std::string& text) {
    return std::memchr(text.data(), '\0', text.size()) == nullptr &&
           g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr);
}

// The length of the complete type at the start of `s` (0 when there is none).
std::size_t type_length(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == 'a') ++i;
    if (i == s.size()) return 0;
    if (s[i] != '(' && s[i] != '{') return i + 1;
    int depth = 0;
    for (; i < s.size(); ++i) {
        if (s[i] == '(' || s[i] == '{') ++depth;
        if ((s[i] == ')' || s[i] == '}') && --depth == 0) return i + 1;
    }
    return 0;
}

}  // namespace

bool append_text(sd_bus_message* m, const std::string& text, std::string& error) {
    if (!is_text(text)) {
        error = "is not UTF-8 text";
        return false;
    }
    return appended(sd_bus_message_append_basic(m, 's', text.c_str()), error);
}

bool append_arg(sd_bus_message* m, const protocol::Arg& arg, const std::string& type, std::string& error) {
    if (protocol::is_unset(arg.value)) {
        error = "has no value";
        return false;
    }
    if (type == "ay") {
        if (!protocol::is_bytes(arg.value)) {
            error = "is an int; D-Bus type ay needs bytes";
            return false;
        }
        const std::string& bytes = std::get<std::string>(arg.value);
        return appended(sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size()), error);
    }
    if (type == "s" || type == "o" || type == "g") {
        if (!protocol::is_bytes(arg.value)) {
            error = "is an int; D-Bus type " + type + " needs a string";
            return false;
        }
        const std::string& text = std::get<std::string>(arg.value);
        if (type == "o" && !(is_text(text) && sd_bus_object_path_is_valid(text.c_str()))) {
            error = "is not an object path";
            return false;
        }
        if (type == "g" && !(is_text(text) && g_variant_is_signature(text.c_str()))) {
            error = "is not a type signature";
            return false;
        }
        if (type == "s") return append_text(m, text, error);
        return appended(sd_bus_message_append_basic(m, type[0], text.c_str()), error);
    }
    if (!protocol::is_int(arg.value)) {
        error = "is a string; D-Bus type " + type + " needs an int";
        return false;
    }
    const std::int32_t v = std::get<std::int32_t>(arg.value);
    if (auto range = int_range(type); range && (v < range->min || v > range->max)) {
        error = "is " + std::to_string(v) + ", out of the range of D-Bus type " + type;
        return false;
    }
    return appended(append_number(m, type == "b" ? std::int32_t{v != 0} : v, type[0]), error);
}

bool append_constant(sd_bus_message* m, const nlohmann::json& value, const std::string& type, std::string& error) {
    if (type == "s" || type == "o" || type == "g") {
        return appended(sd_bus_message_append_basic(m, type[0], value.get<std::string>().c_str()), error);
    }
    if (type == "ay") {
        const std::string bytes = value.get<std::string>();
        return appended(sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size()), error);
    }
    if (type == "b") return appended(append_number(m, std::int32_t{value.get<bool>()}, 'b'), error);
    if (type == "d") return appended(append_number(m, value.get<double>(), 'd'), error);
    if (type == "t") return appended(append_number(m, value.get<std::uint64_t>(), 't'), error);
    return appended(append_number(m, value.get<std::int64_t>(), type[0]), error);
}

std::size_t complete_types(const std::string& signature) {
    std::size_t n = 0;
    for (std::string_view rest = signature; !rest.empty(); ++n) {
        const std::size_t length = type_length(rest);
        if (length == 0) break;
        rest.remove_prefix(length);
    }
    return n;
}

std::string next_type(sd_bus_message* m) {
    char type = 0;
    const char* contents = nullptr;
    if (sd_bus_message_peek_type(m, &type, &contents) <= 0) return {};
    if (type == SD_BUS_TYPE_ARRAY) return std::string("a") + contents;
    if (type == SD_BUS_TYPE_STRUCT) return std::string("(") + contents + ")";
    if (type == SD_BUS_TYPE_DICT_ENTRY) return std::string("{") + contents + "}";
    return std::string(1, type);
}

bool read_value(sd_bus_message* m, protocol::Value& out, std::string& error) {
    const std::string type = next_type(m);
    auto unreadable = [&](int r) {
        error = "cannot be read: " + std::string(std::strerror(-r));
        return false;
    };
    auto as_int = [&](long long v) {
        if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max()) {
            error = "is " + std::to_string(v) + ", which does not fit a ToolTalk int";
            return false;
        }
        out = static_cast<std::int32_t>(v);
        return true;
    };
    // Reads a basic value into a C type of the size sd-bus writes for `type`.
    auto read_int = [&]<typename T>(T v) {
        if (int r = sd_bus_message_read_basic(m, type[0], &v); r < 0) return unreadable(r);
        return as_int(static_cast<long long>(v));
    };
    if (type == "s" || type == "o" || type == "g") {
        const char* s = nullptr;
        if (int r = sd_bus_message_read_basic(m, type[0], &s); r < 0) return unreadable(r);
        out = std::string(s);
        return true;
    }
    if (type == "ay") {
        const void* p = nullptr;
        std::size_t n = 0;
        if (int r = sd_bus_message_read_array(m, 'y', &p, &n); r < 0) return unreadable(r);
        out = n > 0 ? std::string(static_cast<const char*>(p), n) : std::string();
        return true;
    }
    if (type == "b" || type == "i") return read_int(std::int32_t{});
    if (type == "y") return read_int(std::uint8_t{});
    if (type == "n") return read_int(std::int16_t{});
    if (type == "q") return read_int(std::uint16_t{});
    if (type == "u") return read_int(std::uint32_t{});
    if (type == "x") return read_int(std::int64_t{});
    if (type == "t") {
        std::uint64_t v = 0;
        if (int r = sd_bus_message_read_basic(m, 't', &v); r < 0) return unreadable(r);
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
            error = "is " + std::to_string(v) + ", which does not fit a ToolTalk int";
            return false;
        }
        return as_int(static_cast<long long>(v));
    }
    if (type == "v") {
        char ignored = 0;
        const char* contents = nullptr;
        int r = sd_bus_message_peek_type(m, &ignored, &contents);
        if (r >= 0) r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0) return unreadable(r);
        if (!read_value(m, out, error)) return false;
        if (r = sd_bus_message_exit_container(m); r < 0) return unreadable(r);
        return true;
    }
    error = "has D-Bus type " + type + ", which has no ToolTalk value";
    return false;
}

}  // namespace ttbus::bridge
