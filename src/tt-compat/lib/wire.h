// Messages, patterns and values as they travel on D-Bus (docs/dbus-api.md): a{sv} dictionaries,
// values as (kind u, int i, bytes ay). Every function returns a negative errno on failure.
#pragma once

#include "model.h"

#include <systemd/sd-bus.h>

namespace ttc {

int append_value(sd_bus_message* m, const Value& v);  // (uiay)
int append_args(sd_bus_message* m, const std::vector<Arg>& args);  // a(isuiay)
int append_message(sd_bus_message* m, const WireMessage& msg);  // a{sv}
int append_pattern(sd_bus_message* m, const WirePattern& p);  // a{sv}
// A handler's answer (Procid1.Reply/Fail): the args, status and status string of its view.
int append_answer(sd_bus_message* m, const WireMessage& msg);  // a{sv}

// Reads an a{sv} message; unknown keys are skipped, absent keys keep their defaults.
int read_message(sd_bus_message* m, WireMessage& out);

}  // namespace ttc
