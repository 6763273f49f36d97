#include "dbus_binding.h"

#include <glib.h>
#include <systemd/sd-bus.h>

#include <iterator>
#include <set>
#include <stdexcept>

namespace ttbus::bridge {

namespace {

using nlohmann::json;

struct BadBinding : std::runtime_error {
    BadBinding(const std::string& pointer, const std::string& what) : std::runtime_error("at " + pointer + ": " + what) {}
};

bool is_message_field(const std::string& name) {
    for (auto k : message_fields) {
        if (protocol::message_keys[k].name == name) return true;
    }
    return false;
}

// "expected "file", "op", … or "id"": the keys of message_fields.
std::string expected_fields() {
    std::string out = "expected ";
    for (std::size_t i = 0; i < std::size(message_fields); ++i) {
        if (i > 0) out += i + 1 == std::size(message_fields) ? " or " : ", ";
        out += "\"" + std::string(protocol::message_keys[message_fields[i]].name) + "\"";
    }
    return out;
}

// A JSON Pointer token: '~' and '/' escaped (RFC 6901), so op names never break the pointer.
std::string token(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

void only_members(const json& v, const std::string& ptr, const std::set<std::string>& allowed) {
    if (!v.is_object()) throw BadBinding(ptr, "expected an object");
    for (const auto& [key, value] : v.items()) {
        if (allowed.count(key) == 0) throw BadBinding(ptr + "/" + token(key), "unknown member");
    }
}

std::string string_member(const json& v, const std::string& ptr, const char* key, const std::string& fallback) {
    if (!v.contains(key)) return fallback;
    if (!v[key].is_string()) throw BadBinding(ptr + "/" + key, "expected a string");
    return v[key].get<std::string>();
}

int arg_index(const json& v, const std::string& ptr) {
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 255) {
        throw BadBinding(ptr, "expected an arg index from 0 to 255");
    }
    return v.get<int>();
}

std::string type_member(const json& v, const std::string& ptr, const std::string& fallback) {
    std::string type = string_member(v, ptr, "type", fallback);
    if (!type.empty() && !supported_type(type)) {
        throw BadBinding(ptr + "/type", "\"" + type + "\" is not a D-Bus type a ToolTalk value maps to "
                                        "(one of s o g b y n q i u x t d ay)");
    }
    return type;
}

// The constant must be representable in its type, so a bad one is found when the file is read.
void check_constant(const json& value, const std::string& type, const std::string& ptr) {
    const bool ok = type == "s" || type == "o" || type == "g" ? value.is_string()
                    : type == "b"                           ? value.is_boolean()
                    : type == "d"                           ? value.is_number()
                    : type == "ay"                          ? value.is_string()
                                                            : value.is_number_integer();
    if (!ok) throw BadBinding(ptr + "/value", "does not fit D-Bus type " + type);
    if (type == "o" && sd_bus_object_path_is_valid(value.get<std::string>().c_str()) <= 0) {
        throw BadBinding(ptr + "/value", "not an object path");
    }
    if (type == "g" && !g_variant_is_signature(value.get<std::string>().c_str())) {
        throw BadBinding(ptr + "/value", "not a type signature");
    }
}

InItem parse_in(const json& v, const std::string& ptr) {
    only_members(v, ptr, {"arg", "field", "value", "type"});
    InItem item;
    const int sources = int(v.contains("arg")) + int(v.contains("field")) + int(v.contains("value"));
    if (sources != 1) throw BadBinding(ptr, "needs exactly one of \"arg\", \"field\" and \"value\"");
    if (v.contains("arg")) {
        item.source = InItem::Source::Arg;
        item.arg = arg_index(v["arg"], ptr + "/arg");
        item.type = type_member(v, ptr, "s");
    } else if (v.contains("field")) {
        item.source = InItem::Source::Field;
        item.field = string_member(v, ptr, "field", "");
        if (!is_message_field(item.field)) throw BadBinding(ptr + "/field", expected_fields());
        item.type = type_member(v, ptr, "s");
        if (item.type != "s") throw BadBinding(ptr + "/type", "a message field is a string (s)");
    } else {
        item.source = InItem::Source::Constant;
        item.value = v["value"];
        item.type = type_member(v, ptr, "");
        if (item.type.empty()) throw BadBinding(ptr, "a constant needs a \"type\"");
        check_constant(item.value, item.type, ptr);
    }
    return item;
}

OutItem parse_out(const json& v, const std::string& ptr) {
    OutItem item;
    if (v.is_null()) return item;
    only_members(v, ptr, {"arg", "type"});
    if (!v.contains("arg")) throw BadBinding(ptr, "needs \"arg\" (or null to ignore the value)");
    item.arg = arg_index(v["arg"], ptr + "/arg");
    item.type = type_member(v, ptr, "");
    return item;
}

std::map<std::string, std::int32_t> parse_errors(const json& v, const std::string& ptr) {
    if (!v.is_object()) throw BadBinding(ptr, "expected an object of D-Bus error names to status numbers");
    std::map<std::string, std::int32_t> errors;
    for (const auto& [name, status] : v.items()) {
        const std::string p = ptr + "/" + token(name);
        if (sd_bus_interface_name_is_valid(name.c_str()) <= 0) throw BadBinding(p, "not a D-Bus error name");
        if (!status.is_number_integer() || status.get<long long>() < 1025 || status.get<long long>() > 2047) {
            throw BadBinding(p, "expected a ToolTalk error status (1025 to 2047)");
        }
        errors[name] = status.get<std::int32_t>();
    }
    return errors;
}

// The conventional object path of a well-known name: org.example.Notes1 → /org/example/Notes1.
std::string default_path(const std::string& name) {
    std::string path = "/";
    for (char c : name) path += c == '.' ? '/' : c == '-' ? '_' : c;
    return path;
}

std::shared_ptr<const OpBinding> parse_op(const json& top, const json& v, const std::string& ptr,
                                          const std::string& ptype, const std::string& op) {
    only_members(v, ptr, {"name", "path", "interface", "method", "timeout_ms", "in", "out", "errors"});
    auto b = std::make_shared<OpBinding>();
    b->ptype = ptype;
    b->op = op;
    b->interface = string_member(v, ptr, "interface", string_member(top, "/x-dbus", "interface", ""));
    if (b->interface.empty()) throw BadBinding(ptr, "no \"interface\" here or for the whole ptype");
    if (sd_bus_interface_name_is_valid(b->interface.c_str()) <= 0) throw BadBinding(ptr + "/interface", "not a D-Bus interface name");
    b->bus_name = string_member(v, ptr, "name", string_member(top, "/x-dbus", "name", b->interface));
    if (sd_bus_service_name_is_valid(b->bus_name.c_str()) <= 0 || b->bus_name.starts_with(":")) {
        throw BadBinding(ptr + "/name", "not a well-known D-Bus bus name");
    }
    b->path = string_member(v, ptr, "path", string_member(top, "/x-dbus", "path", default_path(b->bus_name)));
    if (sd_bus_object_path_is_valid(b->path.c_str()) <= 0) throw BadBinding(ptr + "/path", "not a D-Bus object path");
    b->method = string_member(v, ptr, "method", op);
    if (sd_bus_member_name_is_valid(b->method.c_str()) <= 0) throw BadBinding(ptr + "/method", "not a D-Bus method name");
    const json& timeout = v.contains("timeout_ms") ? v["timeout_ms"] : top.value("timeout_ms", json(-1));
    if (!timeout.is_number_integer() || timeout.get<long long>() < -1 || timeout.get<long long>() > 3600000) {
        throw BadBinding(ptr + "/timeout_ms", "expected milliseconds from 1 to 3600000, or -1 for the D-Bus default");
    }
    b->timeout_ms = timeout.get<int>();
    if (v.contains("in")) {
        if (!v["in"].is_array()) throw BadBinding(ptr + "/in", "expected an array");
        b->in.emplace();
        for (std::size_t i = 0; i < v["in"].size(); ++i) b->in->push_back(parse_in(v["in"][i], ptr + "/in/" + std::to_string(i)));
    }
    if (v.contains("out")) {
        if (!v["out"].is_array()) throw BadBinding(ptr + "/out", "expected an array");
        b->out.emplace();
        for (std::size_t i = 0; i < v["out"].size(); ++i) b->out->push_back(parse_out(v["out"][i], ptr + "/out/" + std::to_string(i)));
    }
    if (top.contains("errors")) b->errors = parse_errors(top["errors"], "/x-dbus/errors");
    if (v.contains("errors")) {
        for (const auto& [name, status] : parse_errors(v["errors"], ptr + "/errors")) b->errors[name] = status;
    }
    return b;
}

}  // namespace

bool supported_type(const std::string& type) {
    static const std::set<std::string> types = {"s", "o", "g", "b", "y", "n", "q", "i", "u", "x", "t", "d", "ay"};
    return types.count(type) != 0;
}

BindingResult parse_binding(const core::Ptype& ptype) {
    BindingResult result;
    if (ptype.extensions.empty()) return result;
    const json ext = json::parse(ptype.extensions, nullptr, false);
    if (!ext.is_object() || !ext.contains("x-dbus")) return result;
    try {
        const json& top = ext["x-dbus"];
        only_members(top, "/x-dbus", {"name", "path", "interface", "timeout_ms", "errors", "ops"});
        if (!top.contains("ops") || !top["ops"].is_object() || top["ops"].empty()) {
            throw BadBinding("/x-dbus/ops", "expected an object with one member per op");
        }
        PtypeBinding binding{ptype.id, {}};
        for (const auto& [op, v] : top["ops"].items()) {
            binding.ops[op] = parse_op(top, v, "/x-dbus/ops/" + token(op), ptype.id, op);
        }
        result.binding = std::move(binding);
    } catch (const BadBinding& e) {
        result.error = e.what();
    }
    return result;
}

}  // namespace ttbus::bridge
