#include "broker_link.h"

#include <glib.h>

namespace ttbus::bridge {

BrokerLink::BrokerLink(sdbus::IConnection& connection, DeliveredHandler on_delivered)
    : proxy_(std::make_unique<client::ProcidProxy>(
          connection,
          [this, on_delivered = std::move(on_delivered)](const std::string& procid, const Dict& message) {
              if (procid == procid_) on_delivered(parse_message(message));
          },
          // State changes of sent messages: the bridge sends nothing of its own.
          [](const std::string&, const Dict&) {})) {}

BrokerLink::~BrokerLink() = default;

void BrokerLink::open() { std::tie(procid_, session_) = proxy_->Open({}); }

bool BrokerLink::ptype_exists(const std::string& ptype) {
    try {
        proxy_->PtypeExists(ptype);
        return true;
    } catch (const sdbus::Error& e) {
        if (e.getName() == "org.ttbus.Error.Ptype") return false;
        throw;
    }
}

void BrokerLink::declare_ptype(const std::string& ptype) { proxy_->PtypeDeclare(procid_, ptype); }

std::uint64_t BrokerLink::register_pattern(const Dict& pattern) { return proxy_->PatternRegister(procid_, pattern); }

void BrokerLink::join_session() { proxy_->SessionJoin(procid_, session_); }

void BrokerLink::reply(const std::string& id, const std::vector<WireArg>& args) {
    const Dict body{{key(protocol::answer_key::args), sdbus::Variant(args)}};
    answer("Reply", id, &body);
}

void BrokerLink::fail(const std::string& id, std::int32_t status, const std::string& text) {
    const Dict body{{key(protocol::answer_key::status), sdbus::Variant(status)},
                    {key(protocol::answer_key::status_string), sdbus::Variant(text)}};
    answer("Fail", id, &body);
}

void BrokerLink::reject(const std::string& id) { answer("Reject", id, nullptr); }

void BrokerLink::abstain(const std::string& id) { answer("Abstain", id, nullptr); }

void BrokerLink::answer(const char* method, const std::string& id, const Dict* body) {
    auto call = proxy_->raw().createMethodCall(org::ttbus::Procid1_proxy::INTERFACE_NAME, method);
    call << procid_ << id;
    if (body != nullptr) call << *body;
    std::string what = std::string(method) + " " + id;
    proxy_->raw().callMethod(call, [what](sdbus::MethodReply&, const sdbus::Error* error) {
        if (error != nullptr) g_warning("%s: %s: %s", what.c_str(), error->getName().c_str(), error->getMessage().c_str());
    });
}

}  // namespace ttbus::bridge
