#include "notice_relay.h"

#include <glib.h>

#include <cstring>

namespace ttbus::bridge {

namespace {

const sd_bus_vtable bridge_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_SIGNAL_WITH_NAMES("Notice", "sa{sv}", SD_BUS_PARAM(op) SD_BUS_PARAM(message), 0),
    SD_BUS_VTABLE_END,
};

}  // namespace

NoticeRelay::NoticeRelay(sd_bus* bus, const BridgeConfig& config) : bus_(bus), config_(config) {
    if (int r = sd_bus_add_object_vtable(bus_, &object_, bridge_object_path, bridge_interface, bridge_vtable, this);
        r < 0) {
        g_warning("%s: %s", bridge_object_path, std::strerror(-r));
    }
}

NoticeRelay::~NoticeRelay() { sd_bus_slot_unref(object_); }

std::vector<protocol::Pattern> NoticeRelay::patterns() const {
    if (config_.notice_ops.empty()) return {};
    protocol::Pattern p;
    p.category = protocol::Category::OBSERVE;
    p.classes = {Class::NOTICE};
    p.scopes = session_scopes;
    p.ops = config_.notice_ops;
    return {p};
}

void NoticeRelay::relay(const TtMessage& message) {
    if (!message.is(Class::NOTICE)) return;
    sd_bus_message* signal = nullptr;
    int r = sd_bus_message_new_signal(bus_, &signal, bridge_object_path, bridge_interface, "Notice");
    try {
        if (r >= 0) {
            protocol::Writer w(signal);
            w.string(message.w.body.op);
            // The message as the broker delivered it, without the keys of the delivery.
            protocol::write_message(w, message.w.body, message.w.header, protocol::Party::broker, nullptr,
                                    protocol::Defaults::omit);
            r = sd_bus_send(bus_, signal, nullptr);
        }
    } catch (const protocol::Failure& f) {
        g_warning("Notice %s: %s", message.id().c_str(), f.what());
    }
    if (r < 0) g_warning("Notice %s: %s", message.id().c_str(), std::strerror(-r));
    sd_bus_message_unref(signal);
}

}  // namespace ttbus::bridge
