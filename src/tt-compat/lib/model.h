// The client's view of messages and patterns: what travels as a{sv} (docs/dbus-api.md) plus what
// lives only in this process (callbacks, user data, the procid that received a message).
#pragma once

#include <Tt/tt_c.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ttc {

// A ToolTalk value: unset, an integer, or bytes (C strings are bytes without their NUL).
struct Value {
    enum Kind : std::uint32_t { UNSET = 0, INT = 1, BYTES = 2 };
    Kind kind = UNSET;
    std::int32_t i = 0;
    std::string bytes;
    bool operator==(const Value&) const = default;
};

struct Arg {
    Tt_mode mode = TT_IN;
    std::string vtype;
    Value value;
};

struct Context {
    std::string slot;
    Value value;
};

// The message keys of docs/dbus-api.md.
struct WireMessage {
    std::string id;
    Tt_class cls = TT_CLASS_UNDEFINED;
    Tt_address address = TT_ADDRESS_LAST;
    Tt_scope scope = TT_SCOPE_NONE;
    Tt_disposition disposition = TT_DISCARD;
    std::string op;
    std::vector<Arg> args;
    std::vector<Context> contexts;  // sorted by slot, one value per slot
    std::string file, object, otype, session, handler, handler_ptype, sender_ptype;
    std::int32_t status = 0;
    std::string status_string;
    bool super = false;
    // Set by the broker.
    std::int32_t opnum = -1;
    Tt_state state = TT_CREATED;
    std::string sender;
    std::uint32_t uid = 0, gid = 0;
    std::vector<std::string> accepters, rejecters, abstainers;
    std::uint64_t pattern = 0;  // Delivered only
    std::uint32_t delivery = 0;  // Delivered only: 0 handle, 1 observe, 2 vote
    bool start_message = false;
};

enum Delivery : std::uint32_t { DELIVERY_HANDLE = 0, DELIVERY_OBSERVE = 1, DELIVERY_VOTE = 2 };

struct Message {
    WireMessage w;
    std::string recipient;  // the procid it was delivered to (empty: created here)
    bool sent = false;      // sent from here: the broker's updates land on this handle
    bool voted = false;     // an offer received for a vote has been answered
    bool destroyed = false;  // destroyed while awaiting its final state: kept for its callbacks
    std::vector<Tt_message_callback> callbacks;  // in the order added
    std::map<int, void*> user;
};

struct PatternContext {
    std::string slot;
    std::vector<Value> values;  // none: a wildcard slot
};

// The pattern keys of docs/dbus-api.md.
struct WirePattern {
    Tt_category category = TT_CATEGORY_LAST;  // unset: registering fails with TT_ERR_CATEGORY
    std::vector<std::int32_t> scopes, classes, states, addresses, dispositions, opnums;
    std::vector<std::string> ops, sessions, files, objects, otypes, senders, sender_ptypes, handlers,
        handler_ptypes;
    std::vector<Arg> args;
    std::vector<PatternContext> contexts;
};

struct Pattern {
    WirePattern w;
    std::string procid;         // registered for this procid
    std::uint64_t id = 0;       // broker id while registered
    std::vector<Tt_message_callback> callbacks;
    std::map<int, void*> user;
};

}  // namespace ttc
