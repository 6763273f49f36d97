// The D-Bus form of ToolTalk values, messages, patterns and answers (docs/dbus-api.md), read
// straight out of an incoming sd_bus_message into the core types and written straight from them
// into an outgoing one: no intermediate dictionary, byte arrays in one copy. The same reader and
// writer serve every method and every signal, on the bus and on peer connections.
//
// Every input passes the checks of the wire format before it reaches the engine: an unknown or
// repeated key, or a known key with the wrong type, is TT_ERR_INVALID; an enum out of range is the
// enum's error; the arg count and the message size are limited (Failure, errors.h).
#pragma once

#include "errors.h"

#include "core/effect.h"
#include "core/engine.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::dbus {

inline constexpr std::size_t max_args = 256;
inline constexpr std::size_t max_message_bytes = 4u << 20;

// ---------------------------------------------------------------------------------------------
// Reading: each function reads one argument at the message's current position.

const char* read_string(sd_bus_message* m);                 // s
std::uint32_t read_uint32(sd_bus_message* m);               // u
std::uint64_t read_uint64(sd_bus_message* m);               // t
std::string_view read_bytes(sd_bus_message* m);             // ay (valid while m is)
core::Value read_value(sd_bus_message* m);                  // (uiay)
void read_message(sd_bus_message* m, core::Message& out);   // a{sv}, the message keys
void read_pattern(sd_bus_message* m, core::Pattern& out);   // a{sv}, the pattern keys
void read_answer(sd_bus_message* m, core::Answer& out);     // a{sv}: args, status, status_string
// An a{sv} of string options: every key must be one of `keys` and hold a string; the value of
// keys[i] goes to values[i] (left as it is when the key is absent).
void read_string_options(sd_bus_message* m, std::initializer_list<const char*> keys, std::string* values);

// ---------------------------------------------------------------------------------------------
// Writing. A Writer appends to a message; a failed append throws Failure (TT_ERR_INTERNAL).

class Writer {
public:
    explicit Writer(sd_bus_message* m) : m_(m) {}
    sd_bus_message* message() const { return m_; }

    void open(char type, const char* contents);
    void close();
    void string(const char* s);
    void string(const std::string& s) { string(s.c_str()); }
    void int32(std::int32_t v);
    void uint32(std::uint32_t v);
    void uint64(std::uint64_t v);
    void boolean(bool v);
    void bytes(std::string_view b);
    void strings(const std::vector<std::string>& v);  // as
    void value(const core::Value& v);                 // the fields u, i, ay (inside a struct)

    // Entries of an open a{sv} (open('a', "{sv}")).
    void entry(const char* key, const std::string& v);
    void entry(const char* key, const char* v);
    void entry(const char* key, std::int32_t v);
    void entry(const char* key, std::uint32_t v);
    void entry(const char* key, std::uint64_t v);
    void entry(const char* key, bool v);
    void entry(const char* key, const std::vector<std::string>& v);
    void entry(const char* key, const std::vector<std::int32_t>& v);
    void entry(const char* key, const std::vector<std::uint64_t>& v);
    // An entry of type `signature` whose value `write` appends.
    template <typename F>
    void entry_with(const char* key, const char* signature, F&& write) {
        open('e', "sv");
        string(key);
        open('v', signature);
        write();
        close();
        close();
    }

private:
    sd_bus_message* m_;
};

// What a Delivered signal adds to the message: the keys pattern, delivery and start_message.
struct DeliveryKeys {
    core::PatternId pattern = 0;
    std::uint32_t delivery = 0;
    bool start_message = false;
};

// Whether keys holding their default (an empty string or list, status 0, start_message false) are
// written. The Delivered and Updated signals leave them out: every entry costs the writer and each
// reader a container walk, and about half of a typical message's keys hold defaults.
enum class Defaults { keep, omit };

// The entries of a message's a{sv} (docs/dbus-api.md), plus `delivery`'s when given, into an open a{sv}.
void write_message_entries(Writer& w, const core::MessageView& m, const DeliveryKeys* delivery = nullptr,
                           Defaults defaults = Defaults::keep);
// A whole a{sv}.
void write_message(Writer& w, const core::MessageView& m, const DeliveryKeys* delivery = nullptr,
                   Defaults defaults = Defaults::keep);
// The entries of a pattern's a{sv}, into an open a{sv}.
void write_pattern_entries(Writer& w, const core::Pattern& p);

}  // namespace ttbus::dbus
