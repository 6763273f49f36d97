#include "notice_relay.h"

namespace ttbus::bridge {

namespace {

constexpr std::int32_t category_observe = 1;
constexpr std::int32_t scope_session = 1;
constexpr std::int32_t scope_both = 3;
constexpr std::int32_t scope_file_in_session = 4;

}  // namespace

NoticeRelay::NoticeRelay(sdbus::IConnection& connection, const BridgeConfig& config)
    : config_(config), object_(sdbus::createObject(connection, bridge_object_path)) {
    object_->registerSignal("Notice").onInterface(bridge_interface).withParameters<std::string, Dict>("op", "message");
    object_->finishRegistration();
}

std::vector<Dict> NoticeRelay::patterns() const {
    if (config_.notice_ops.empty()) return {};
    return {{{"category", sdbus::Variant(category_observe)},
             {"classes", sdbus::Variant(std::vector<std::int32_t>{class_notice})},
             {"scopes", sdbus::Variant(std::vector<std::int32_t>{scope_session, scope_both, scope_file_in_session})},
             {"ops", sdbus::Variant(config_.notice_ops)}}};
}

void NoticeRelay::relay(const TtMessage& message) {
    if (message.cls != class_notice) return;
    // The broker's per-delivery keys say nothing about the notice itself.
    Dict body = message.raw;
    body.erase("pattern");
    body.erase("delivery");
    body.erase("start_message");
    object_->emitSignal("Notice").onInterface(bridge_interface).withArguments(message.op, body);
}

}  // namespace ttbus::bridge
