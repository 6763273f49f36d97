// ToolTalk values (unset, an int, bytes) to D-Bus values of a binding's types and back. Every
// conversion either is exact or fails with a sentence that says which value and why, so a request
// with a value the service cannot take fails instead of reaching it garbled.
#pragma once

#include "tt_message.h"

#include <gio/gio.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace ttbus::bridge {

// The value of arg `arg` as D-Bus type `type` (a floating GVariant), or nullptr and `error` set.
GVariant* arg_to_dbus(const protocol::Arg& arg, const std::string& type, std::string& error);

// A string as type s (after checking it is UTF-8 without NUL).
GVariant* text_to_dbus(const std::string& text, std::string& error);

// A binding's constant (already checked against its type when the binding was read).
GVariant* constant_to_dbus(const nlohmann::json& value, const std::string& type);

// A reply value as a ToolTalk value: strings, object paths, signatures and ay become bytes;
// booleans and integers that fit 32 bits become ints; a variant is unwrapped. Anything else
// (doubles, containers, out-of-range integers) is an error: false, with `error` saying why.
bool dbus_to_value(GVariant* value, protocol::Value& out, std::string& error);

}  // namespace ttbus::bridge
