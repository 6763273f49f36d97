// D-Bus services as ToolTalk handlers: a request for an op with an x-dbus binding becomes one
// asynchronous method call (the bus starts the service by D-Bus activation when it is not
// running); the reply fills the OUT/INOUT args and answers the request, an error fails it.
// A notice becomes a call whose reply nobody waits for.
#pragma once

#include "broker_link.h"
#include "dbus_binding.h"
#include "tt_message.h"

#include <gio/gio.h>

#include <memory>

namespace ttbus::bridge {

class ServiceHandler {
public:
    ServiceHandler(GDBusConnection* bus, BrokerLink& broker) : bus_(bus), broker_(broker) {}

    void handle(const TtMessage& message, std::shared_ptr<const OpBinding> binding);

private:
    struct PendingCall;
    static void call_done(GObject* source, GAsyncResult* result, gpointer data);

    GDBusConnection* bus_;
    BrokerLink& broker_;
};

}  // namespace ttbus::bridge
