// Notices out: the bridge observes the configured notices and re-emits each as the signal
// org.ttbus.Bridge1.Notice(s op, a{sv} message) from /org/ttbus/Bridge1 (bus name
// org.ttbus.Bridge1, data/dbus-1/org.ttbus.Bridge1.xml), so any D-Bus program follows them with an
// ordinary match rule such as "type='signal',interface='org.ttbus.Bridge1',member='Notice',arg0='Saved'".
#pragma once

#include "bridge_config.h"
#include "tt_message.h"

#include <systemd/sd-bus.h>

#include <vector>

namespace ttbus::bridge {

inline constexpr const char* bridge_bus_name = "org.ttbus.Bridge1";
inline constexpr const char* bridge_object_path = "/org/ttbus/Bridge1";
inline constexpr const char* bridge_interface = "org.ttbus.Bridge1";

class NoticeRelay {
public:
    NoticeRelay(sd_bus* bus, const BridgeConfig& config);
    ~NoticeRelay();
    NoticeRelay(const NoticeRelay&) = delete;
    NoticeRelay& operator=(const NoticeRelay&) = delete;

    // One observe pattern for all configured notice ops (none when the list is empty).
    std::vector<protocol::Pattern> patterns() const;

    void relay(const TtMessage& message);

private:
    sd_bus* bus_;
    const BridgeConfig& config_;
    sd_bus_slot* object_ = nullptr;  // the signal in the object's introspection
};

}  // namespace ttbus::bridge
