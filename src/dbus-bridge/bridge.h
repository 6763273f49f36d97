// The bridge's one procid and where each delivered message goes: to the D-Bus service its
// ptype's x-dbus binding names, to a desktop application (media patterns), or out as a D-Bus
// signal (notice patterns). Offers are abstained from: the bridge never votes for anyone.
#pragma once

#include "app_launch.h"
#include "bridge_config.h"
#include "broker_link.h"
#include "dbus_binding.h"
#include "media_handler.h"
#include "notice_relay.h"
#include "service_handler.h"

#include <systemd/sd-bus.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ttbus::bridge {

class Bridge {
public:
    // `bus`: the bridge's one session bus connection: to the broker, to services and applications,
    // and for the Notice signals.
    Bridge(sd_bus* bus, BridgeConfig config, std::vector<PtypeBinding> bindings);

    // Opens the procid, declares the bound ptypes the broker knows, registers the media and notice
    // patterns and joins the default session. Throws BrokerError when the broker refuses.
    void start();

private:
    void delivered(const TtMessage& message);
    std::shared_ptr<const OpBinding> binding_for(const TtMessage& message) const;

    BridgeConfig config_;
    std::map<std::string, PtypeBinding> bindings_;  // declared ptypes, by id
    BrokerLink broker_;
    AppLauncher launcher_;
    ServiceHandler services_;
    MediaHandler media_;
    NoticeRelay notices_;
    std::set<std::uint64_t> media_patterns_;
    std::set<std::uint64_t> notice_patterns_;
};

}  // namespace ttbus::bridge
