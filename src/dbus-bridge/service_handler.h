// D-Bus services as ToolTalk handlers: a request for an op with an x-dbus binding becomes one
// asynchronous method call (the bus starts the service by D-Bus activation when it is not
// running); the reply fills the OUT/INOUT args and answers the request, an error fails it.
// A notice becomes a call whose reply nobody waits for.
#pragma once

#include "broker_link.h"
#include "dbus_binding.h"
#include "tt_message.h"

#include <systemd/sd-bus.h>

#include <memory>

namespace ttbus::bridge {

class ServiceHandler {
public:
    // `bus`: the session bus connection the calls go out on (the broker's, so one connection).
    ServiceHandler(sd_bus* bus, BrokerLink& broker) : bus_(bus), broker_(broker) {}

    void handle(const TtMessage& message, std::shared_ptr<const OpBinding> binding);

private:
    void replied(sd_bus_message* reply, const TtMessage& message, const OpBinding& b);
    void failed(const TtMessage& message, const OpBinding& b, std::int32_t status, const std::string& why);

    sd_bus* bus_;
    BrokerLink& broker_;
};

}  // namespace ttbus::bridge
