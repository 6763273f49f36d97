// The parts of a delivered ToolTalk message (an a{sv} of docs/dbus-api.md) that the bridge acts on,
// and the answers it sends back, in the broker's wire shapes.
#pragma once

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ttbus::bridge {

using Dict = std::map<std::string, sdbus::Variant>;
using Bytes = std::vector<std::uint8_t>;

// (i mode, s vtype, u kind, i int, ay bytes): docs/dbus-api.md "Values".
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, Bytes>;

inline constexpr std::uint32_t kind_unset = 0;
inline constexpr std::uint32_t kind_int = 1;
inline constexpr std::uint32_t kind_bytes = 2;

inline constexpr std::int32_t mode_in = 1;
inline constexpr std::int32_t mode_out = 2;
inline constexpr std::int32_t mode_inout = 3;

inline constexpr std::int32_t class_notice = 1;
inline constexpr std::int32_t class_request = 2;
inline constexpr std::int32_t class_offer = 3;

inline constexpr std::uint32_t delivery_handle = 0;
inline constexpr std::uint32_t delivery_observe = 1;
inline constexpr std::uint32_t delivery_vote = 2;

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
