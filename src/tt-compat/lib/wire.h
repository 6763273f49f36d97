// Messages, patterns and values as they travel on D-Bus: the client's view (model.h) handed to the
// protocol's reader and writer (src/protocol/wire.h), which own the keys and the encoding. Every
// function returns a negative errno on failure, as the sd-bus calls around it do.
#pragma once

#include "model.h"

#include <systemd/sd-bus.h>

namespace ttc {

int append_value(sd_bus_message* m, const Value& v);  // (uiay)
int append_message(sd_bus_message* m, const WireMessage& msg);  // a{sv}, the keys a sender sets
int append_pattern(sd_bus_message* m, const WirePattern& p);  // a{sv}
// A handler's answer (Procid1.Reply/Fail): the args, status and status string of its view.
int append_answer(sd_bus_message* m, const WireMessage& msg);  // a{sv}

// Reads an a{sv} message from the broker; unknown keys are skipped, absent keys keep their defaults.
int read_message(sd_bus_message* m, WireMessage& out);

}  // namespace ttc
