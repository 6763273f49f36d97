// Decoding the broker's option dictionaries (arguments.h).
#include "arguments.h"

namespace ttbus::dbus {

void decode(sd_bus_message* m, OpenOptions& out) {
    // A D-Bus string holds no NUL, so a value still equal to this one was not given.
    const std::string absent(1, '\0');
    std::string values[2] = {absent, ""};
    protocol::read_string_options(m, {"session", "token"}, values);
    if (values[0] != absent) out.session = std::move(values[0]);
    out.token = std::move(values[1]);
}

void decode(sd_bus_message* m, MonitorFilter& out) {
    std::string values[3];
    protocol::read_string_options(m, {"session", "op", "procid"}, values);
    out = MonitorFilter{std::move(values[0]), std::move(values[1]), std::move(values[2])};
}

}  // namespace ttbus::dbus
