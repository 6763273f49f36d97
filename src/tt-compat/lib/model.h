// The client's view of messages and patterns: the protocol's own types (src/protocol), which the
// one reader and writer carry to and from D-Bus as they are, plus what lives only in this process
// (callbacks, user data, the procid that received a message).
#pragma once

#include "protocol/message.h"
#include "protocol/pattern.h"
#include "protocol/wire.h"

#include <Tt/tt_c.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ttc {

namespace protocol = ttbus::protocol;

// A ToolTalk value: unset, an integer, or bytes (C strings are bytes without their NUL).
using Value = protocol::Value;
using Arg = protocol::Arg;
using Context = protocol::Context;
using PatternContext = protocol::PatternContext;

struct Message {
    protocol::Message w;              // what travels: the body and the header
    protocol::DeliveryKeys delivery;  // how it was delivered here (Delivered's own keys)
    std::string recipient;  // the procid it was delivered to (empty: created here)
    bool sent = false;      // sent from here: the broker's updates land on this handle
    bool voted = false;     // an offer received for a vote has been answered
    std::size_t delivered_args = 0;  // args as delivered here: an answer must carry as many (TT_ERR_NUM)
    bool destroyed = false;  // destroyed while awaiting its final state: kept for its callbacks
    std::vector<Tt_message_callback> callbacks;  // in the order added
    std::map<int, void*> user;
};

struct Pattern {
    protocol::Pattern w;
    std::string procid;         // registered for this procid
    std::uint64_t id = 0;       // broker id while registered
    std::vector<Tt_message_callback> callbacks;
    std::map<int, void*> user;
};

}  // namespace ttc
