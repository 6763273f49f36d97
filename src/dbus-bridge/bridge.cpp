#include "bridge.h"

namespace ttbus::bridge {

Bridge::Bridge(sd_bus* bus, BridgeConfig config, std::vector<PtypeBinding> bindings)
    : config_(std::move(config)),
      broker_(bus, [this](const TtMessage& m) { delivered(m); }),
      launcher_(bus),
      services_(bus, broker_),
      media_(broker_, launcher_, config_),
      notices_(bus, config_) {
    for (auto& b : bindings) bindings_.emplace(b.ptype, std::move(b));
}

void Bridge::start() {
    broker_.open();
    for (auto it = bindings_.begin(); it != bindings_.end();) {
        // The broker's type database decides what a ptype is; a binding for a ptype it does not
        // have (another search path, a file it refused) is not served.
        if (!broker_.ptype_exists(it->first)) {
            g_warning("ptype %s has an x-dbus binding but ttbusd does not know it: not served", it->first.c_str());
            it = bindings_.erase(it);
            continue;
        }
        broker_.declare_ptype(it->first);
        g_message("serving ptype %s with %zu D-Bus-bound op(s)", it->first.c_str(), it->second.ops.size());
        ++it;
    }
    for (const protocol::Pattern& p : media_.patterns()) media_patterns_.insert(broker_.register_pattern(p));
    for (const protocol::Pattern& p : notices_.patterns()) notice_patterns_.insert(broker_.register_pattern(p));
    broker_.join_session();
    g_message("procid %s in session %s: %zu media op(s), %zu notice op(s) relayed", broker_.procid().c_str(),
              broker_.session().c_str(), config_.media_ops.size(), config_.notice_ops.size());
}

std::shared_ptr<const OpBinding> Bridge::binding_for(const TtMessage& message) const {
    const std::string& op = message.w.body.op;
    // The signature that matched names the ptype; a message that matched a ptype pattern without
    // its signature (another scope) is served by the first bound ptype with the op.
    if (auto it = bindings_.find(message.w.header.handler_ptype); it != bindings_.end()) {
        auto bound = it->second.ops.find(op);
        return bound == it->second.ops.end() ? nullptr : bound->second;
    }
    for (const auto& [ptype, binding] : bindings_) {
        if (auto bound = binding.ops.find(op); bound != binding.ops.end()) return bound->second;
    }
    return nullptr;
}

void Bridge::delivered(const TtMessage& m) {
    if (m.delivered_as(protocol::Delivery::vote)) {
        broker_.abstain(m.id());
        return;
    }
    if (notice_patterns_.count(m.delivery.pattern) != 0) {
        notices_.relay(m);
        return;
    }
    if (!m.delivered_as(protocol::Delivery::handle)) return;
    if (media_patterns_.count(m.delivery.pattern) != 0) {
        media_.handle(m);
        return;
    }
    if (auto binding = binding_for(m)) {
        services_.handle(m, std::move(binding));
        return;
    }
    // A declared ptype's op without a binding: let another handler (or ToolTalk's start) have it.
    if (m.is(Class::REQUEST)) broker_.reject(m.id());
}

}  // namespace ttbus::bridge
