#include "tt_message.h"

namespace ttbus::bridge {

namespace {

template <typename T>
void take(const Dict& message, protocol::message_key::Index k, T& into) {
    auto it = message.find(key(k));
    if (it != message.end() && it->second.containsValueOfType<T>()) into = it->second.get<T>();
}

}  // namespace

TtMessage parse_message(const Dict& message) {
    TtMessage m;
    using namespace protocol::message_key;
    take(message, id, m.id);
    take(message, op, m.op);
    take(message, cls, m.cls);
    take(message, file, m.file);
    take(message, session, m.session);
    take(message, sender, m.sender);
    take(message, sender_ptype, m.sender_ptype);
    take(message, handler_ptype, m.handler_ptype);
    take(message, args, m.args);
    take(message, pattern, m.pattern);
    take(message, protocol::message_key::delivery, m.delivery);
    m.raw = message;
    return m;
}

std::string bytes_text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace ttbus::bridge
