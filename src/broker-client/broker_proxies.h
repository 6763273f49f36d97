// The one sdbus-c++ client of ttbusd, for the tools (and the tests' procid): proxies built on the classes
// sdbus-c++-xml2cpp generates (once, here) from data/dbus-1/org.ttbus.Broker1.xml, so a change of
// the XML shows up in every client at compile time. Every proxy uses a connection the caller owns
// and drives: no proxy starts an event-loop thread of its own, so one-shot tools stay
// single-threaded and signals are only dispatched where the program runs the connection's loop.
#pragma once

#include "org_ttbus_broker1_proxy.h"
#include "protocol/names.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <map>
#include <string>

namespace ttbus::client {

using protocol::broker_bus_name;
using protocol::broker_object_path;

using Dict = std::map<std::string, sdbus::Variant>;

// org.ttbus.Broker1 alone: sessions, status and the one-call forms.
class BrokerProxy final : public sdbus::ProxyInterfaces<org::ttbus::Broker1_proxy> {
public:
    explicit BrokerProxy(sdbus::IConnection& connection)
        : ProxyInterfaces(connection, broker_bus_name, broker_object_path) {
        registerProxy();
    }
    ~BrokerProxy() { unregisterProxy(); }
};

// org.ttbus.Monitor1 for watching events; each Event signal goes to on_event.
class MonitorProxy final : public sdbus::ProxyInterfaces<org::ttbus::Monitor1_proxy> {
public:
    using EventHandler = std::function<void(const std::string& kind, const Dict& details)>;

    MonitorProxy(sdbus::IConnection& connection, EventHandler on_event)
        : ProxyInterfaces(connection, broker_bus_name, broker_object_path), on_event_(std::move(on_event)) {
        registerProxy();
    }
    ~MonitorProxy() { unregisterProxy(); }

private:
    void onEvent(const std::string& kind, const Dict& details) override { on_event_(kind, details); }

    EventHandler on_event_;
};

// Acting as a procid: Broker1 to open it and Procid1 to use it; deliveries go to the handlers.
class ProcidProxy final : public sdbus::ProxyInterfaces<org::ttbus::Broker1_proxy, org::ttbus::Procid1_proxy> {
public:
    using MessageHandler = std::function<void(const std::string& procid, const Dict& message)>;

    ProcidProxy(sdbus::IConnection& connection, MessageHandler on_delivered, MessageHandler on_updated)
        : ProxyInterfaces(connection, broker_bus_name, broker_object_path),
          on_delivered_(std::move(on_delivered)),
          on_updated_(std::move(on_updated)) {
        registerProxy();
    }
    ~ProcidProxy() { unregisterProxy(); }

    // For calls made by hand (asynchronous ones, with optional arguments).
    sdbus::IProxy& raw() { return getProxy(); }

private:
    void onDelivered(const std::string& procid, const Dict& message) override { on_delivered_(procid, message); }
    void onUpdated(const std::string& procid, const Dict& message) override { on_updated_(procid, message); }

    MessageHandler on_delivered_;
    MessageHandler on_updated_;
};

}  // namespace ttbus::client
