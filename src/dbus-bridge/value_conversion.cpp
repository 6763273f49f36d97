#include "value_conversion.h"

#include <cstring>
#include <limits>

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

GVariant* int_to_dbus(std::int32_t v, const std::string& type) {
    if (type == "y") return g_variant_new_byte(static_cast<guchar>(v));
    if (type == "n") return g_variant_new_int16(static_cast<gint16>(v));
    if (type == "q") return g_variant_new_uint16(static_cast<guint16>(v));
    if (type == "i") return g_variant_new_int32(v);
    if (type == "u") return g_variant_new_uint32(static_cast<guint32>(v));
    if (type == "x") return g_variant_new_int64(v);
    if (type == "t") return g_variant_new_uint64(static_cast<guint64>(v));
    if (type == "b") return g_variant_new_boolean(v != 0);
    return g_variant_new_double(v);  // "d": every int32 is exact in a double
}

GVariant* bytes_to_dbus(const std::string& bytes) {
    return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes.data(), bytes.size(), 1);
}

}  // namespace

GVariant* text_to_dbus(const std::string& text, std::string& error) {
    if (std::memchr(text.data(), '\0', text.size()) != nullptr || !g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
        error = "is not UTF-8 text";
        return nullptr;
    }
    return g_variant_new_string(text.c_str());
}

GVariant* arg_to_dbus(const protocol::Arg& arg, const std::string& type, std::string& error) {
    if (protocol::is_unset(arg.value)) {
        error = "has no value";
        return nullptr;
    }
    if (type == "ay") {
        if (!protocol::is_bytes(arg.value)) {
            error = "is an int; D-Bus type ay needs bytes";
            return nullptr;
        }
        return bytes_to_dbus(std::get<std::string>(arg.value));
    }
    if (type == "s" || type == "o" || type == "g") {
        if (!protocol::is_bytes(arg.value)) {
            error = "is an int; D-Bus type " + type + " needs a string";
            return nullptr;
        }
        const std::string& text = std::get<std::string>(arg.value);
        if (type == "o" && !g_variant_is_object_path(text.c_str())) {
            error = "is not an object path";
            return nullptr;
        }
        if (type == "g" && !g_variant_is_signature(text.c_str())) {
            error = "is not a type signature";
            return nullptr;
        }
        if (type == "s") return text_to_dbus(text, error);
        return type == "o" ? g_variant_new_object_path(text.c_str()) : g_variant_new_signature(text.c_str());
    }
    if (!protocol::is_int(arg.value)) {
        error = "is a string; D-Bus type " + type + " needs an int";
        return nullptr;
    }
    const std::int32_t v = std::get<std::int32_t>(arg.value);
    if (auto range = int_range(type); range && (v < range->min || v > range->max)) {
        error = "is " + std::to_string(v) + ", out of the range of D-Bus type " + type;
        return nullptr;
    }
    return int_to_dbus(v, type);
}

GVariant* constant_to_dbus(const nlohmann::json& value, const std::string& type) {
    if (type == "s") return g_variant_new_string(value.get<std::string>().c_str());
    if (type == "o") return g_variant_new_object_path(value.get<std::string>().c_str());
    if (type == "g") return g_variant_new_signature(value.get<std::string>().c_str());
    if (type == "ay") return bytes_to_dbus(value.get<std::string>());
    if (type == "b") return g_variant_new_boolean(value.get<bool>());
    if (type == "d") return g_variant_new_double(value.get<double>());
    if (type == "y") return g_variant_new_byte(value.get<guchar>());
    if (type == "n") return g_variant_new_int16(value.get<gint16>());
    if (type == "q") return g_variant_new_uint16(value.get<guint16>());
    if (type == "i") return g_variant_new_int32(value.get<gint32>());
    if (type == "u") return g_variant_new_uint32(value.get<guint32>());
    if (type == "x") return g_variant_new_int64(value.get<gint64>());
    return g_variant_new_uint64(value.get<guint64>());
}

bool dbus_to_value(GVariant* value, protocol::Value& out, std::string& error) {
    const std::string type = g_variant_get_type_string(value);
    auto as_int = [&](long long v) {
        if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max()) {
            error = "is " + std::to_string(v) + ", which does not fit a ToolTalk int";
            return false;
        }
        out = static_cast<std::int32_t>(v);
        return true;
    };
    if (type == "s" || type == "o" || type == "g") {
        gsize n = 0;
        const gchar* s = g_variant_get_string(value, &n);
        out = std::string(s, n);
        return true;
    }
    if (type == "ay") {
        gsize n = 0;
        const auto* p = static_cast<const char*>(g_variant_get_fixed_array(value, &n, 1));
        out = n > 0 ? std::string(p, n) : std::string();
        return true;
    }
    if (type == "b") return as_int(g_variant_get_boolean(value) ? 1 : 0);
    if (type == "y") return as_int(g_variant_get_byte(value));
    if (type == "n") return as_int(g_variant_get_int16(value));
    if (type == "q") return as_int(g_variant_get_uint16(value));
    if (type == "i") return as_int(g_variant_get_int32(value));
    if (type == "u") return as_int(g_variant_get_uint32(value));
    if (type == "x") return as_int(g_variant_get_int64(value));
    if (type == "t") {
        const guint64 v = g_variant_get_uint64(value);
        if (v > static_cast<guint64>(std::numeric_limits<std::int32_t>::max())) {
            error = "is " + std::to_string(v) + ", which does not fit a ToolTalk int";
            return false;
        }
        return as_int(static_cast<long long>(v));
    }
    if (type == "v") {
        GVariant* inner = g_variant_get_variant(value);
        const bool converted = dbus_to_value(inner, out, error);
        g_variant_unref(inner);
        return converted;
    }
    error = "has D-Bus type " + type + ", which has no ToolTalk value";
    return false;
}

}  // namespace ttbus::bridge
