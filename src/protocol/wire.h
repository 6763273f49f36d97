// The D-Bus form of ToolTalk values, messages, patterns and answers (docs/dbus-api.md), read
// straight out of an sd_bus_message into the protocol's types and written straight from them into
// one: no intermediate dictionary, byte arrays in one copy. The broker, libtt and the tests use
// these; the keys come from keys.h.
//
// What the broker reads from a client passes every check of the wire format before it reaches the
// engine: an unknown or repeated key, or a known key with the wrong type, is TT_ERR_INVALID; an
// enum out of range is the enum's error; the arg count and the message size are limited. What a
// client reads from the broker is read the same way, except that a key it does not know (from a
// newer broker) is skipped. Every failure is a Failure (errors.h).
#pragma once

#include "errors.h"
#include "keys.h"
#include "message.h"
#include "pattern.h"
#include "spec.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ttbus::protocol {

inline constexpr std::size_t max_args = 256;
inline constexpr std::size_t max_message_bytes = 4u << 20;

// Who wrote what is being read, or who is writing.
enum class Party : std::uint8_t {
    client,  // a sender: only Direction::in and in_only keys; unknown keys are refused
    broker,  // the broker: every key but in_only ones; a reader skips keys it does not know
};

// What a Delivered signal adds to the message: the keys pattern, delivery and start_message.
enum class Delivery : std::uint32_t { handle = 0, observe = 1, vote = 2 };
struct DeliveryKeys {
    PatternId pattern = 0;
    std::uint32_t delivery = 0;  // a Delivery
    bool start_message = false;
    bool operator==(const DeliveryKeys&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Reading: each function reads one argument at the message's current position.

const char* read_string(sd_bus_message* m);                 // s
std::uint32_t read_uint32(sd_bus_message* m);               // u
std::uint64_t read_uint64(sd_bus_message* m);               // t
std::string_view read_bytes(sd_bus_message* m);             // ay (valid while m is)
Value read_value(sd_bus_message* m);                        // (uiay)
// a{sv}, the message keys. From a client, the broker's keys are skipped; from the broker, they
// are read, and the delivery keys go to `delivery` when given.
void read_message(sd_bus_message* m, Message& out, Party from = Party::client, DeliveryKeys* delivery = nullptr);
void read_pattern(sd_bus_message* m, Pattern& out);         // a{sv}, the pattern keys
void read_answer(sd_bus_message* m, Answer& out);           // a{sv}: args, status, status_string
// A spec's properties, a(saay): names checked (TT_ERR_PROPNAME) and values bounded (TT_ERR_PROPLEN).
std::vector<SpecProperty> read_spec_props(sd_bus_message* m);
// An a{sv} of string options: every key must be one of `keys` (a table of keys.h) and hold a
// string; the value of keys[i] goes to values[i] (left as it is when the key is absent).
void read_string_options(sd_bus_message* m, std::span<const Key> keys, std::string* values);
// An a{sv} the broker wrote whose keys are `keys` (a table of keys.h): each(i) reads the value of
// keys[i], entered with its signature, and returns true, or returns false to have it skipped.
// Unknown keys are skipped (a newer broker); a repeated or mistyped key is TT_ERR_INVALID.
void read_entries(sd_bus_message* m, std::span<const Key> keys, const std::function<bool(std::size_t)>& each);
std::vector<std::string> read_string_array(sd_bus_message* m);  // as

// ---------------------------------------------------------------------------------------------
// Writing. A Writer appends to a message; a failed append throws Failure (TT_ERR_INTERNAL).

class Writer {
public:
    explicit Writer(sd_bus_message* m) : m_(m) {}
    sd_bus_message* message() const { return m_; }
    // About the bytes appended so far (strings and arrays in full, 8 for any other value): what the
    // message costs while it waits to be written.
    std::size_t size() const { return size_; }

    void open(char type, const char* contents);
    void close();
    void string(const char* s);
    void string(const std::string& s) { string(s.c_str()); }
    void int32(std::int32_t v);
    void uint32(std::uint32_t v);
    void uint64(std::uint64_t v);
    void boolean(bool v);
    void bytes(std::string_view b);
    void bytes(std::string_view head, std::string_view rest);  // one ay of both, not joined first
    void strings(const std::vector<std::string>& v);  // as
    void value(const Value& v);                       // the fields u, i, ay (inside a struct)

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
    // An entry of a table's key (keys.h). A value of another type than the key's signature is
    // TT_ERR_INTERNAL: the broker cannot write a key otherwise than its table says.
    template <typename T>
    void entry(const Key& key, const T& v) {
        expect_signature(key, signature_of(v));
        entry(key.name.data(), v);  // the tables' names are literals, so NUL-terminated
    }
    template <typename F>
    void entry_with(const Key& key, F&& write) {
        entry_with(key.name.data(), key.signature, std::forward<F>(write));
    }
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
    static constexpr const char* signature_of(const char*) { return "s"; }
    static constexpr const char* signature_of(const std::string&) { return "s"; }
    static constexpr const char* signature_of(std::int32_t) { return "i"; }
    static constexpr const char* signature_of(std::uint32_t) { return "u"; }
    static constexpr const char* signature_of(std::uint64_t) { return "t"; }
    static constexpr const char* signature_of(bool) { return "b"; }
    static constexpr const char* signature_of(const std::vector<std::string>&) { return "as"; }
    static constexpr const char* signature_of(const std::vector<std::int32_t>&) { return "ai"; }
    static constexpr const char* signature_of(const std::vector<std::uint64_t>&) { return "at"; }
    static void expect_signature(const Key& key, const char* signature);

    sd_bus_message* m_;
    std::size_t size_ = 0;
};

// Whether optional keys holding their default (keys.h) are written. Delivered, Updated and every
// client leave them out: every entry costs the writer and each reader a container walk, and about
// half of a typical message's keys hold defaults.
enum class Defaults { keep, omit };

// The entries of a message's a{sv} (docs/dbus-api.md) as `by` writes them, plus `delivery`'s when
// given, into an open a{sv}.
void write_message_entries(Writer& w, const MessageBody& b, const MessageHeader& h, Party by,
                           const DeliveryKeys* delivery = nullptr, Defaults defaults = Defaults::keep);
// A whole a{sv}.
void write_message(Writer& w, const MessageBody& b, const MessageHeader& h, Party by,
                   const DeliveryKeys* delivery = nullptr, Defaults defaults = Defaults::keep);
// The broker's forms, from a delivered or updated view.
void write_message_entries(Writer& w, const MessageView& m, const DeliveryKeys* delivery = nullptr,
                           Defaults defaults = Defaults::keep);
void write_message(Writer& w, const MessageView& m, const DeliveryKeys* delivery = nullptr,
                   Defaults defaults = Defaults::keep);
// The entries of a pattern's a{sv}, into an open a{sv}; a whole a{sv}.
void write_pattern_entries(Writer& w, const Pattern& p, Defaults defaults = Defaults::keep);
void write_pattern(Writer& w, const Pattern& p, Defaults defaults = Defaults::keep);
// A handler's answer, as a whole a{sv}: the args (their values), status and status string.
void write_spec_props(Writer& w, const std::vector<SpecProperty>& props);  // a(saay)
void write_answer(Writer& w, const std::vector<Arg>& args, std::int32_t status, const std::string& status_string);

// ---------------------------------------------------------------------------------------------
// Errors on sd-bus.

// Fills `error` with the failure's name and message (errors.h); returns the negative errno sd-bus
// expects a method handler to return with it.
int set_error(sd_bus_error* error, const Failure& f);
// An sd-bus call that failed for a reason the client did not cause (out of memory, a string that
// is not UTF-8): TT_ERR_INTERNAL naming the call.
[[noreturn]] void bus_failure(int r, const char* what);
// Returns r when it is not negative.
inline int check_bus(int r, const char* what) {
    if (r < 0) bus_failure(r, what);
    return r;
}

}  // namespace ttbus::protocol
