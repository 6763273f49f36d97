#include "message_codec.h"

#include "protocol/keys.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace ttbus::store {

using nlohmann::json;

namespace {

// A JSON integer in T's range; a float or an integer out of range (which nlohmann would convert with
// a cast, undefined for a float) is refused.
template <typename T>
T integer(const json& j) {
    if (j.is_number_unsigned() && j.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
        return static_cast<T>(j.get<std::uint64_t>());
    }
    if (j.is_number_integer() && !j.is_number_unsigned() && j.get<std::int64_t>() >= std::numeric_limits<T>::min() &&
        j.get<std::int64_t>() <= static_cast<std::int64_t>(std::numeric_limits<T>::max())) {
        return static_cast<T>(j.get<std::int64_t>());
    }
    throw std::invalid_argument("not an integer in range: " + j.dump());
}

json value_json(const core::Value& v) {
    static const char* digits = "0123456789abcdef";
    if (core::is_int(v)) return {{"i", std::get<std::int32_t>(v)}};
    if (!core::is_bytes(v)) return nullptr;
    std::string hex;
    for (unsigned char c : std::get<std::string>(v)) {
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    return {{"b", hex}};
}

core::Value value_of(const json& j) {
    if (j.is_null()) return {};
    if (j.contains("i")) return integer<std::int32_t>(j.at("i"));
    const std::string hex = j.at("b").get<std::string>();
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length");
    std::string bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

// A stored message is a JSON object with the message keys of the D-Bus form (protocol/keys.h).
using namespace protocol::message_key;
std::string key(Index k) { return std::string(protocol::message_keys[k].name); }
const json& at(const json& j, Index k) { return j.at(key(k)); }

template <typename E>
E enum_of(const json& j, Index k) {
    auto v = static_cast<E>(integer<std::int32_t>(at(j, k)));
    if (!core::valid(v)) throw std::invalid_argument(key(k) + " out of range");
    return v;
}

}  // namespace

std::string encode_message(const core::MessageView& m) {
    const auto& b = *m.body;
    const auto& h = m.header;
    json arg_list = json::array(), context_list = json::array();
    for (const auto& a : b.args) arg_list.push_back({static_cast<int>(a.mode), a.vtype, value_json(a.value)});
    for (const auto& c : b.contexts) context_list.push_back({c.slot, value_json(c.value)});
    json j = {{key(id), b.id}, {key(cls), static_cast<int>(b.cls)}, {key(address), static_cast<int>(b.address)},
              {key(op), b.op}, {key(args), arg_list}, {key(contexts), context_list}, {key(file), b.file}, {key(object), b.object},
              {key(otype), b.otype}, {key(session), b.session}, {key(sender), b.sender}, {key(sender_ptype), b.sender_ptype},
              {key(uid), b.uid}, {key(gid), b.gid}, {key(super), b.super}, {key(state), static_cast<int>(h.state)},
              {key(scope), static_cast<int>(h.scope)}, {key(disposition), static_cast<int>(h.disposition)},
              {key(opnum), h.opnum}, {key(handler), h.handler}, {key(handler_ptype), h.handler_ptype}, {key(status), h.status},
              {key(status_string), h.status_string}};
    return j.dump();
}

std::optional<core::MessageView> decode_message(const std::string& text, std::string* error) {
    try {
        json j = json::parse(text);
        auto body = std::make_shared<core::MessageBody>();
        core::MessageHeader h;
        body->id = at(j, id).get<std::string>();
        body->cls = enum_of<core::Class>(j, cls);
        body->address = enum_of<core::Address>(j, address);
        body->op = at(j, op).get<std::string>();
        for (const auto& a : at(j, args)) {
            auto mode = static_cast<core::Mode>(integer<std::int32_t>(a.at(0)));
            if (!core::valid(mode)) throw std::invalid_argument("arg mode out of range");
            body->args.push_back({mode, a.at(1).get<std::string>(), value_of(a.at(2))});
        }
        for (const auto& c : at(j, contexts)) body->contexts.push_back({c.at(0).get<std::string>(), value_of(c.at(1))});
        body->file = at(j, file).get<std::string>();
        body->object = at(j, object).get<std::string>();
        body->otype = at(j, otype).get<std::string>();
        body->session = at(j, session).get<std::string>();
        body->sender = at(j, sender).get<std::string>();
        body->sender_ptype = at(j, sender_ptype).get<std::string>();
        body->uid = integer<std::uint32_t>(at(j, uid));
        body->gid = integer<std::uint32_t>(at(j, gid));
        body->super = at(j, super).get<bool>();
        h.state = enum_of<core::State>(j, state);
        h.scope = enum_of<core::Scope>(j, scope);
        h.disposition = enum_of<core::Disposition>(j, disposition);
        h.opnum = integer<std::int32_t>(at(j, opnum));
        h.handler = at(j, handler).get<std::string>();
        h.handler_ptype = at(j, handler_ptype).get<std::string>();
        h.status = integer<std::int32_t>(at(j, status));
        h.status_string = at(j, status_string).get<std::string>();
        return core::MessageView{std::move(body), std::move(h)};
    } catch (const std::exception& e) {
        if (error != nullptr) *error = e.what();
        return std::nullopt;
    }
}

}  // namespace ttbus::store
