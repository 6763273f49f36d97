// The parts of a delivered ToolTalk message (an a{sv} of docs/dbus-api.md) that the bridge acts on,
// and the answers it sends back, in the broker's wire shapes.
#pragma once

#include "protocol/enums.h"
#include "protocol/keys.h"
#include "protocol/wire.h"

#include "broker_proxies.h"

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ttbus::bridge {

using client::Dict;
using Bytes = std::vector<std::uint8_t>;

// (i mode, s vtype, u kind, i int, ay bytes): docs/dbus-api.md "Values".
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, Bytes>;

// The protocol's numbers and keys (src/protocol), in the plain types sdbus-c++ dictionaries hold.
template <typename E>
constexpr auto wire(E v) {
    return static_cast<std::underlying_type_t<E>>(v);
}
inline std::string key(protocol::message_key::Index k) { return std::string(protocol::message_keys[k].name); }
inline std::string key(protocol::pattern_key::Index k) { return std::string(protocol::pattern_keys[k].name); }
inline std::string key(protocol::answer_key::Index k) { return std::string(protocol::answer_keys[k].name); }

// A value's kind: 0 unset, 1 int, 2 bytes (docs/dbus-api.md "Values").
inline constexpr std::uint32_t kind_unset = 0;
inline constexpr std::uint32_t kind_int = 1;
inline constexpr std::uint32_t kind_bytes = 2;

inline constexpr std::int32_t mode_in = wire(protocol::Mode::IN);
inline constexpr std::int32_t mode_out = wire(protocol::Mode::OUT);
inline constexpr std::int32_t mode_inout = wire(protocol::Mode::INOUT);

inline constexpr std::int32_t class_notice = wire(protocol::Class::NOTICE);
inline constexpr std::int32_t class_request = wire(protocol::Class::REQUEST);

inline constexpr std::uint32_t delivery_handle = wire(protocol::Delivery::handle);
inline constexpr std::uint32_t delivery_vote = wire(protocol::Delivery::vote);

// The scopes a session-wide pattern of the bridge covers.
inline const std::vector<std::int32_t> session_scopes{
    wire(protocol::Scope::SESSION), wire(protocol::Scope::BOTH), wire(protocol::Scope::FILE_IN_SESSION)};

struct TtMessage {
    std::string id;
    std::string op;
    std::int32_t cls = 0;
    std::string file;
    std::string session;
    std::string sender;
    std::string sender_ptype;
    std::string handler_ptype;
    std::vector<WireArg> args;
    std::uint64_t pattern = 0;
    std::uint32_t delivery = delivery_handle;
    Dict raw;  // every key as received, for relaying
};

// Reads the keys above; absent or mistyped keys keep their defaults.
TtMessage parse_message(const Dict& message);

// Text of a string-valued arg (bytes), for logs and file names.
std::string bytes_text(const Bytes& bytes);

}  // namespace ttbus::bridge
