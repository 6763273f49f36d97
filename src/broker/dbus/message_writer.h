// Writes a message's a{sv} (docs/dbus-api.md) straight into an outgoing D-Bus message.
//
// encode_message builds a Dict of sdbus::Variant, and every Variant is a D-Bus message of its
// own: serialized once into it, then copied element by element (sd_bus_message_copy) into the
// signal. On a 4 KiB request/reply that copy was two thirds of ttbusd's instructions (callgrind),
// so the hot signals, Delivered and Updated, are written here in one pass instead.
#pragma once

#include "core/effect.h"

#include <sdbus-c++/Message.h>

namespace ttbus::dbus {

// What a Delivered signal adds to the message: the keys pattern, delivery and start_message.
struct DeliveryKeys {
    core::PatternId pattern = 0;
    std::uint32_t delivery = 0;
    bool start_message = false;
};

// The same keys and values as encode_message, plus `delivery`'s when given.
void write_message(sdbus::Message& out, const core::MessageView& m, const DeliveryKeys* delivery);

}  // namespace ttbus::dbus
