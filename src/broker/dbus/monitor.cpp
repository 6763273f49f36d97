// The monitor: who may watch (Monitor1.Subscribe), and what they are sent (monitor_event, in
// service_parts.h, called wherever a message moves).
#include "service_parts.h"

namespace ttbus::dbus {

// ---------------------------------------------------------------------------------------------
// org.ttbus.Monitor1

// The monitor sees every message: only connections of the broker's own user may have one.
int Service::Subscribe(sd_bus_message* m) {
    std::string values[3];
    read_string_options(m, {"session", "op", "procid"}, values);
    MonitorFilter f{values[0], values[1], values[2]};
    MessageRef call(m);
    with_credentials(caller(m), [this, call, f](Connection* conn, const sd_bus_error* error) {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        if (conn->uid != options_.broker_uid) {
            return reply_failure(call.get(),
                                 Failure(core::Status::ERR_ACCESS, "the monitor is for the broker's user only"));
        }
        connections_.set_monitor(*conn, f);
        reply_empty(call.get());
    });
    return 1;
}

int Service::Unsubscribe(sd_bus_message* m) {
    if (Connection* c = connections_.find(caller(m).name)) connections_.set_monitor(*c, std::nullopt);
    return reply_empty(m);
}

}  // namespace ttbus::dbus
