// ToolTalk values (unset, an int, bytes) to D-Bus values of a binding's types and back, written to
// and read from sd-bus messages. Every conversion either is exact or fails with a sentence that
// says which value and why, so a request with a value the service cannot take fails instead of
// reaching it garbled.
#pragma once

#include "tt_message.h"

#include <nlohmann/json.hpp>
#include <systemd/sd-bus.h>

#include <string>

namespace ttbus::bridge {

// Appends the value of `arg` as D-Bus type `type`; false with `error` set when it cannot be.
bool append_arg(sd_bus_message* m, const protocol::Arg& arg, const std::string& type, std::string& error);

// Appends a string as type s (after checking it is UTF-8 without NUL); false with `error` set.
bool append_text(sd_bus_message* m, const std::string& text, std::string& error);

// Appends a binding's constant (already checked against its type when the binding was read).
bool append_constant(sd_bus_message* m, const nlohmann::json& value, const std::string& type, std::string& error);

// The number of complete types in a D-Bus signature ("sa{sv}(ii)" has three).
std::size_t complete_types(const std::string& signature);

// The complete type of the message's next value ("" at the end of the message).
std::string next_type(sd_bus_message* m);

// Reads the next value as a ToolTalk value: strings, object paths, signatures and ay become
// bytes; booleans and integers that fit 32 bits become ints; a variant is unwrapped. Anything
// else (doubles, containers, out-of-range integers) is an error: false, with `error` saying why.
bool read_value(sd_bus_message* m, protocol::Value& out, std::string& error);

}  // namespace ttbus::bridge
