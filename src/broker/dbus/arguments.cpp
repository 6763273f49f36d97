// Decoding the broker's option dictionaries (arguments.h).
#include "arguments.h"

#include "protocol/keys.h"

namespace ttbus::dbus {

void decode(sd_bus_message* m, OpenOptions& out) {
    // A D-Bus string holds no NUL, so a value still equal to this one was not given.
    const std::string absent(1, '\0');
    using namespace protocol;
    std::string values[open_key::count] = {absent, ""};
    read_string_options(m, open_keys, values);
    if (values[open_key::session] != absent) out.session = std::move(values[open_key::session]);
    out.token = std::move(values[open_key::token]);
}

void decode(sd_bus_message* m, MonitorFilter& out) {
    using namespace protocol;
    std::string values[monitor_filter_key::count];
    read_string_options(m, monitor_filter_keys, values);
    out = MonitorFilter{std::move(values[monitor_filter_key::session]), std::move(values[monitor_filter_key::op]),
                        std::move(values[monitor_filter_key::procid])};
}

}  // namespace ttbus::dbus
