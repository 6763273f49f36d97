// The keys of the a{sv} dictionaries that carry messages, patterns and answers (docs/dbus-api.md
// "Messages", "Patterns"): the one place a key is spelt, with its D-Bus signature, who writes it,
// and whether a writer may leave it out while it holds its default. The defaults themselves are
// the initial values of the fields in message.h and pattern.h: an absent key reads as that value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ttbus::protocol {

// Which way a key travels (the "in" column of docs/dbus-api.md).
enum class Direction : std::uint8_t {
    in,       // set by the sender, sent back by the broker
    out,      // set by the broker; accepted and skipped on input (a received message may be sent back)
    in_only,  // set by the sender; the broker acts on it and does not send it back
};

struct Key {
    std::string_view name;
    const char* signature;
    Direction direction = Direction::in;
    bool optional = true;  // may be left out while it holds its default (Defaults::omit)
};

namespace message_key {
// Indexes into message_keys, in the order messages most often carry them (the reader searches
// the table in this order).
enum Index : std::uint8_t {
    id, cls, address, scope, disposition, op, args, contexts, file, object, otype, session, handler,
    handler_ptype, sender_ptype, status, status_string, super, sender, uid, gid, state, opnum, accepters,
    rejecters, abstainers, pattern, delivery, start_message, count
};
}  // namespace message_key

inline constexpr Key message_keys[] = {
    {"id", "s"},
    {"class", "i", Direction::in, false},
    {"address", "i"},  // an unset address (LAST) is never written: the send fails for it
    {"scope", "i", Direction::in, false},
    {"disposition", "i", Direction::in, false},
    {"op", "s"},
    {"args", "a(isuiay)"},
    {"contexts", "a(suiay)"},
    {"file", "s"},
    {"object", "s"},
    {"otype", "s"},
    {"session", "s"},
    {"handler", "s"},
    {"handler_ptype", "s"},
    {"sender_ptype", "s"},
    {"status", "i"},
    {"status_string", "s"},
    {"super", "b", Direction::in_only},
    {"sender", "s", Direction::out},
    {"uid", "u", Direction::out, false},
    {"gid", "u", Direction::out, false},
    {"state", "i", Direction::out, false},
    {"opnum", "i", Direction::out, false},
    {"accepters", "as", Direction::out},  // offers only
    {"rejecters", "as", Direction::out},
    {"abstainers", "as", Direction::out},
    // A delivery's own keys (Procid1.Delivered).
    {"pattern", "t", Direction::out, false},
    {"delivery", "u", Direction::out, false},
    {"start_message", "b", Direction::out},
};
static_assert(std::size(message_keys) == message_key::count);

namespace pattern_key {
enum Index : std::uint8_t {
    category, scopes, classes, states, addresses, dispositions, ops, opnums, sessions, files, objects, otypes,
    senders, sender_ptypes, handlers, handler_ptypes, args, contexts, count
};
}  // namespace pattern_key

inline constexpr Key pattern_keys[] = {
    {"category", "i", Direction::in, false},  // unset (LAST) is never written: registering fails
    {"scopes", "ai"}, {"classes", "ai"}, {"states", "ai"}, {"addresses", "ai"}, {"dispositions", "ai"},
    {"ops", "as"}, {"opnums", "ai"}, {"sessions", "as"}, {"files", "as"}, {"objects", "as"}, {"otypes", "as"},
    {"senders", "as"}, {"sender_ptypes", "as"}, {"handlers", "as"}, {"handler_ptypes", "as"},
    {"args", "a(isuiay)"}, {"contexts", "a(sa(uiay))"},
};
static_assert(std::size(pattern_keys) == pattern_key::count);

// A handler's answer (Procid1.Reply, Procid1.Fail).
namespace answer_key {
enum Index : std::uint8_t { args, status, status_string, count };
}  // namespace answer_key

inline constexpr Key answer_keys[] = {{"args", "a(isuiay)"}, {"status", "i"}, {"status_string", "s"}};
static_assert(std::size(answer_keys) == answer_key::count);

// The options of Broker1.Open, all strings: the session to open the procid in, and the start
// token of a handler the broker started (TT_TOKEN).
namespace open_key {
enum Index : std::uint8_t { session, token, count };
}  // namespace open_key

inline constexpr Key open_keys[] = {{"session", "s"}, {"token", "s"}};
static_assert(std::size(open_keys) == open_key::count);

// Monitor1.Subscribe's filter: only events of that session, op or procid.
namespace monitor_filter_key {
enum Index : std::uint8_t { session, op, procid, count };
}  // namespace monitor_filter_key

inline constexpr Key monitor_filter_keys[] = {{"session", "s"}, {"op", "s"}, {"procid", "s"}};
static_assert(std::size(monitor_filter_keys) == monitor_filter_key::count);

// ---------------------------------------------------------------------------------------------
// The broker's listings and status (Broker1.ProcidInfo, Procids, Status, Patterns, Queue,
// Launches, Otype) and the monitor's events (Monitor1.Event): written by the broker only, every
// key always present; a reader skips keys it does not know.

// A procid (Broker1.ProcidInfo, and each entry of Broker1.Procids).
namespace procid_info_key {
enum Index : std::uint8_t { procid, session, sessions, files, ptypes, patterns, default_ptype, uid, gid, owner, count };
}  // namespace procid_info_key

inline constexpr Key procid_info_keys[] = {
    {"procid", "s"}, {"session", "s"}, {"sessions", "as"}, {"files", "as"}, {"ptypes", "as"}, {"patterns", "at"},
    {"default_ptype", "s"}, {"uid", "u"}, {"gid", "u"},
    {"owner", "s"},  // the unique bus name of the connection that owns it; empty when none does
};
static_assert(std::size(procid_info_keys) == procid_info_key::count);

// Broker1.Status: the broker's version and counts.
namespace status_key {
enum Index : std::uint8_t {
    version, procids, patterns, live_messages, queued, sessions, ptypes, otypes, default_session, launches, launcher,
    waiting, bytes, orphaned, count
};
}  // namespace status_key

inline constexpr Key status_keys[] = {
    {"version", "s"}, {"procids", "u"}, {"patterns", "u"}, {"live_messages", "u"}, {"queued", "u"},
    {"sessions", "u"}, {"ptypes", "u"}, {"otypes", "u"}, {"default_session", "s"}, {"launches", "u"},
    {"launcher", "s"},
    {"waiting", "u"},   // notices and observers' copies waiting for a ptype's start
    {"bytes", "t"},     // bytes of the live, queued and waiting messages (the limits' bytes)
    {"orphaned", "u"},  // live, queued and waiting messages of connections that have gone
};
static_assert(std::size(status_keys) == status_key::count);

// What Broker1.Patterns adds to each pattern's keys (pattern_keys).
namespace pattern_entry_key {
enum Index : std::uint8_t { id, procid, ptype, count };
}  // namespace pattern_entry_key

inline constexpr Key pattern_entry_keys[] = {{"id", "t"}, {"procid", "s"}, {"ptype", "s"}};
static_assert(std::size(pattern_entry_keys) == pattern_entry_key::count);

// What Broker1.Queue adds to each queued message's keys (message_keys): the queue it waits in.
namespace queue_key {
enum Index : std::uint8_t { queue_scope, queue, queue_ptype, count };
}  // namespace queue_key

inline constexpr Key queue_keys[] = {{"queue_scope", "i"}, {"queue", "s"}, {"queue_ptype", "s"}};
static_assert(std::size(queue_keys) == queue_key::count);

// A started handler (each entry of Broker1.Launches).
namespace launch_key {
enum Index : std::uint8_t { token, ptype, unit, state, pid, count };
}  // namespace launch_key

inline constexpr Key launch_keys[] = {{"token", "s"}, {"ptype", "s"}, {"unit", "s"}, {"state", "s"}, {"pid", "u"}};
static_assert(std::size(launch_keys) == launch_key::count);

// Broker1.Otype: an otype's ancestors (nearest first), parents, derived otypes, and its handle and
// observe signatures, each (op, [(mode, vtype)]).
namespace otype_key {
enum Index : std::uint8_t { ancestors, parents, derived, handle, observe, count };
}  // namespace otype_key

inline constexpr const char* otype_signatures_signature = "a(sa(is))";
inline constexpr Key otype_keys[] = {
    {"ancestors", "as"}, {"parents", "as"}, {"derived", "as"},
    {"handle", otype_signatures_signature}, {"observe", otype_signatures_signature},
};
static_assert(std::size(otype_keys) == otype_key::count);

// What a Monitor1.Event adds to the message's keys (message_keys) when there is one: the procid the
// event concerns, and the ptype and start token (started, queued, dequeued). A delivered event
// says how under the message key delivery; a dequeued one names the message under the key id.
namespace monitor_event_key {
enum Index : std::uint8_t { procid, ptype, token, count };
}  // namespace monitor_event_key

inline constexpr Key monitor_event_keys[] = {{"procid", "s"}, {"ptype", "s"}, {"token", "s"}};
static_assert(std::size(monitor_event_keys) == monitor_event_key::count);

// The signatures of the values inside those keys.
inline constexpr const char* value_signature = "(uiay)";      // kind u (0 unset, 1 int, 2 bytes), int i, bytes ay
inline constexpr const char* dictionary_signature = "a{sv}";

}  // namespace ttbus::protocol
