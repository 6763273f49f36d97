#include "notice_relay.h"

namespace ttbus::bridge {

NoticeRelay::NoticeRelay(sdbus::IConnection& connection, const BridgeConfig& config)
    : config_(config), object_(sdbus::createObject(connection, bridge_object_path)) {
    object_->registerSignal("Notice").onInterface(bridge_interface).withParameters<std::string, Dict>("op", "message");
    object_->finishRegistration();
}

std::vector<Dict> NoticeRelay::patterns() const {
    if (config_.notice_ops.empty()) return {};
    using namespace protocol::pattern_key;
    return {{{key(category), sdbus::Variant(wire(protocol::Category::OBSERVE))},
             {key(classes), sdbus::Variant(std::vector<std::int32_t>{class_notice})},
             {key(scopes), sdbus::Variant(session_scopes)},
             {key(ops), sdbus::Variant(config_.notice_ops)}}};
}

void NoticeRelay::relay(const TtMessage& message) {
    if (message.cls != class_notice) return;
    // The broker's per-delivery keys say nothing about the notice itself.
    Dict body = message.raw;
    for (auto k : {protocol::message_key::pattern, protocol::message_key::delivery,
                   protocol::message_key::start_message}) {
        body.erase(key(k));
    }
    object_->emitSignal("Notice").onInterface(bridge_interface).withArguments(message.op, body);
}

}  // namespace ttbus::bridge
