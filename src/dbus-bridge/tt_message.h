// A ToolTalk message delivered to the bridge, in the protocol's types (src/protocol): what the
// broker's Delivered signal carries, read by the protocol's reader.
#pragma once

#include "protocol/wire.h"

#include <string>

namespace ttbus::bridge {

using protocol::Class;

struct TtMessage {
    protocol::Message w;              // the message: body and header
    protocol::DeliveryKeys delivery;  // the pattern that matched and how it was delivered
    const std::string& id() const { return w.body.id; }
    bool is(Class cls) const { return w.body.cls == cls; }
    bool delivered_as(protocol::Delivery how) const { return delivery.delivery == static_cast<std::uint32_t>(how); }
};

// The scopes a session-wide pattern of the bridge covers.
inline const protocol::EnumSet<protocol::Scope> session_scopes{protocol::Scope::SESSION, protocol::Scope::BOTH,
                                                               protocol::Scope::FILE_IN_SESSION};

}  // namespace ttbus::bridge
