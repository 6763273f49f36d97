// Messages, patterns and values as they travel on D-Bus: the client's side of the protocol's
// reader and writer (src/protocol/wire.h), which own the keys and the encoding. The protocol
// throws; every function here returns a negative errno on failure, as the sd-bus calls around it do.
#pragma once

#include "model.h"

#include "protocol/compact.h"

#include <systemd/sd-bus.h>

#include <functional>
#include <span>
#include <string>

namespace ttc {

int append_value(sd_bus_message* m, const Value& v);  // (uiay)
// The message as a sender sends it: a{sv}, the keys a sender sets; or (compact) Peer1's one part.
int append_message(sd_bus_message* m, const protocol::Message& msg, bool compact);
// A packed call's one part (Peer1.SendPacked; ReplyPacked, FailPacked with the message's id).
int append_packed_message(sd_bus_message* m, const std::string& procid, const protocol::Message& msg);
int append_packed_answer(sd_bus_message* m, const std::string& procid, const protocol::Message& msg);
int append_pattern(sd_bus_message* m, const protocol::Pattern& p);  // a{sv}
// A handler's answer (Procid1.Reply/Fail, or compact Peer1.ReplyCompact/FailCompact): the args,
// status and status string of its view.
int append_answer(sd_bus_message* m, const protocol::Message& msg, bool compact);

// Broker1.Open's options (a{sv}): the session, and the start token when there is one.
int append_open_options(sd_bus_message* m, const std::string& session, const char* token);

// Reads an a{sv} message from the broker; unknown keys are skipped, absent keys keep their defaults.
int read_message(sd_bus_message* m, protocol::Message& out, protocol::DeliveryKeys& delivery);
// Reads Peer1.DeliveredCompact's two parts, or UpdatedCompact's one (`packed`: UpdatedPacked's).
int read_delivered(sd_bus_message* m, protocol::Message& out, protocol::DeliveryKeys& delivery);
int read_update(sd_bus_message* m, protocol::compact::Update& out, bool packed);
// Reads Peer1.DeliveredBatch's part (`packed`: DeliveredPacked's): each delivery into the message
// and keys `add` gives for it, in order. -EINVAL when one is refused: what was read before it is
// the caller's to drop.
int read_batch(sd_bus_message* m, bool packed,
               const std::function<std::pair<protocol::Message&, protocol::DeliveryKeys&>()>& add);
// Reads another a{sv} the broker wrote, whose keys are `keys` (protocol/keys.h), through
// protocol::read_entries: each(i) reads keys[i]'s value and returns true, or returns false to skip it.
int read_entries(sd_bus_message* m, std::span<const protocol::Key> keys, const std::function<bool(std::size_t)>& each);

}  // namespace ttc
