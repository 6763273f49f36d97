#include "tt_message.h"

namespace ttbus::bridge {

namespace {

template <typename T>
void take(const Dict& message, const char* key, T& into) {
    auto it = message.find(key);
    if (it != message.end() && it->second.containsValueOfType<T>()) into = it->second.get<T>();
}

}  // namespace

TtMessage parse_message(const Dict& message) {
    TtMessage m;
    take(message, "id", m.id);
    take(message, "op", m.op);
    take(message, "class", m.cls);
    take(message, "file", m.file);
    take(message, "session", m.session);
    take(message, "sender", m.sender);
    take(message, "sender_ptype", m.sender_ptype);
    take(message, "handler_ptype", m.handler_ptype);
    take(message, "args", m.args);
    take(message, "pattern", m.pattern);
    take(message, "delivery", m.delivery);
    m.raw = message;
    return m;
}

std::string bytes_text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace ttbus::bridge
