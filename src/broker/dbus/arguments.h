// The C++ types the broker's dictionary arguments decode to, and their decode(): the XML names
// the type of each a{sv} argument (annotation org.ttbus.Broker.CppType), and the generated entry
// of the method (method_tables.py) declares a variable of it and calls decode(m, variable).
#pragma once

#include "connections.h"

#include "core/wire_types.h"
#include "protocol/compact.h"
#include "protocol/spec.h"
#include "protocol/wire.h"

#include <optional>
#include <string>
#include <vector>

namespace ttbus::dbus {

// The message keys (Procid1.Send, SendOnExit), the pattern keys (PatternRegister) and an answer
// (Reply, Fail): the protocol's readers.
inline void decode(sd_bus_message* m, core::Message& out) { protocol::read_message(m, out); }
inline void decode(sd_bus_message* m, core::Pattern& out) { protocol::read_pattern(m, out); }
inline void decode(sd_bus_message* m, core::Answer& out) { protocol::read_answer(m, out); }

// The compact parts of Peer1.SendCompact, SendOnExitCompact (a message) and ReplyCompact,
// FailCompact (an answer), read where they lie in the call.
struct CompactMessage : core::Message {};
struct CompactAnswer : core::Answer {};
inline void decode(sd_bus_message* m, CompactMessage& out) {
    protocol::compact::read_message(protocol::read_bytes(m), out, protocol::Party::client);
}
inline void decode(sd_bus_message* m, CompactAnswer& out) { protocol::compact::read_answer(protocol::read_bytes(m), out); }

// Peer1's packed calls (version 4): SendPacked carries the procid then a message part,
// ReplyPacked and FailPacked the procid, the message's id, then an answer part. Only the procid
// (and id) are read here; the handler checks that the procid is the caller's before it reads the
// part (the owner check comes first, as with the unpacked forms), and keeps the owner and what it
// read for the failure of a one-way call.
struct PackedMessage {
    std::string procid;
    std::string_view part;  // valid while the call is
    const Connection* owner = nullptr;
    CompactMessage message;
};
struct PackedAnswer {
    std::string procid;
    std::string id;
    std::string_view part;
    const Connection* owner = nullptr;
};
inline void decode(sd_bus_message* m, PackedMessage& out) {
    const protocol::compact::Packed p = protocol::compact::unpack(protocol::read_bytes(m));
    out.procid = p.procid;
    out.part = p.part;
}
inline void decode(sd_bus_message* m, PackedAnswer& out) {
    const protocol::compact::PackedAnswer p = protocol::compact::unpack_answer(protocol::read_bytes(m));
    out.procid = p.procid;
    out.id = p.id;
    out.part = p.part;
}

// A message of a one-call form (Broker1.Call, Notify), read over what a shell user leaves out:
// the class C, address procedure, scope session. Read as a message (decode(m, core::Message&)).
template <core::Class C>
struct OneCallMessage : core::Message {
    OneCallMessage() {
        body.cls = C;
        body.address = core::Address::PROCEDURE;
        header.scope = core::Scope::SESSION;
    }
};
using CallMessage = OneCallMessage<core::Class::REQUEST>;
using NotifyMessage = OneCallMessage<core::Class::NOTICE>;

// Broker1.Open's options: "session" s (absent: the default session), "token" s.
struct OpenOptions {
    std::optional<std::string> session;
    std::string token;
};
void decode(sd_bus_message* m, OpenOptions& out);

// An object spec's properties, a(saay) (Broker1.SpecCreate, SpecWrite).
using SpecProps = std::vector<protocol::SpecProperty>;
inline void decode(sd_bus_message* m, SpecProps& out) { out = protocol::read_spec_props(m); }

// Monitor1.Subscribe's filter: "session" s, "op" s, "procid" s.
void decode(sd_bus_message* m, MonitorFilter& out);

}  // namespace ttbus::dbus
