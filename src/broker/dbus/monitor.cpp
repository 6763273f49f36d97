// The monitor: who may watch (Monitor1.Subscribe), and what they are sent (monitor_event, in
// service_parts.h, called wherever a message moves).
#include "service_parts.h"

namespace ttbus::dbus {

// ---------------------------------------------------------------------------------------------
// org.ttbus.Monitor1

// The monitor sees every message: only connections of the broker's own user may have one.
void Service::Subscribe(const MethodCall& c, MonitorFilter& filter) {
    as_known_caller(c, [this, f = std::move(filter)](Connection& conn, const MessageRef& call) {
        if (conn.uid != options_.broker_uid) {
            throw Failure(core::Status::ERR_ACCESS, "the monitor is for the broker's user only");
        }
        connections_.set_monitor(conn, f);
        reply_empty(call.get());
    });
}

void Service::Unsubscribe(const MethodCall& call) {
    if (Connection* c = connections_.find(call.who.name)) connections_.set_monitor(*c, std::nullopt);
}

}  // namespace ttbus::dbus
