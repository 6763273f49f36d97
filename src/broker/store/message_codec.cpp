#include "message_codec.h"

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

template <typename E>
E enum_of(const json& j, const char* key) {
    auto v = static_cast<E>(integer<std::int32_t>(j.at(key)));
    if (!core::valid(v)) throw std::invalid_argument(std::string(key) + " out of range");
    return v;
}

}  // namespace

std::string encode_message(const core::MessageView& m) {
    const auto& b = *m.body;
    const auto& h = m.header;
    json args = json::array(), contexts = json::array();
    for (const auto& a : b.args) args.push_back({static_cast<int>(a.mode), a.vtype, value_json(a.value)});
    for (const auto& c : b.contexts) contexts.push_back({c.slot, value_json(c.value)});
    json j = {{"id", b.id}, {"class", static_cast<int>(b.cls)}, {"address", static_cast<int>(b.address)},
              {"op", b.op}, {"args", args}, {"contexts", contexts}, {"file", b.file}, {"object", b.object},
              {"otype", b.otype}, {"session", b.session}, {"sender", b.sender}, {"sender_ptype", b.sender_ptype},
              {"uid", b.uid}, {"gid", b.gid}, {"super", b.super}, {"state", static_cast<int>(h.state)},
              {"scope", static_cast<int>(h.scope)}, {"disposition", static_cast<int>(h.disposition)},
              {"opnum", h.opnum}, {"handler", h.handler}, {"handler_ptype", h.handler_ptype}, {"status", h.status},
              {"status_string", h.status_string}};
    return j.dump();
}

std::optional<core::MessageView> decode_message(const std::string& text, std::string* error) {
    try {
        json j = json::parse(text);
        auto body = std::make_shared<core::MessageBody>();
        core::MessageHeader h;
        body->id = j.at("id").get<std::string>();
        body->cls = enum_of<core::Class>(j, "class");
        body->address = enum_of<core::Address>(j, "address");
        body->op = j.at("op").get<std::string>();
        for (const auto& a : j.at("args")) {
            auto mode = static_cast<core::Mode>(integer<std::int32_t>(a.at(0)));
            if (!core::valid(mode)) throw std::invalid_argument("arg mode out of range");
            body->args.push_back({mode, a.at(1).get<std::string>(), value_of(a.at(2))});
        }
        for (const auto& c : j.at("contexts")) body->contexts.push_back({c.at(0).get<std::string>(), value_of(c.at(1))});
        body->file = j.at("file").get<std::string>();
        body->object = j.at("object").get<std::string>();
        body->otype = j.at("otype").get<std::string>();
        body->session = j.at("session").get<std::string>();
        body->sender = j.at("sender").get<std::string>();
        body->sender_ptype = j.at("sender_ptype").get<std::string>();
        body->uid = integer<std::uint32_t>(j.at("uid"));
        body->gid = integer<std::uint32_t>(j.at("gid"));
        body->super = j.at("super").get<bool>();
        h.state = enum_of<core::State>(j, "state");
        h.scope = enum_of<core::Scope>(j, "scope");
        h.disposition = enum_of<core::Disposition>(j, "disposition");
        h.opnum = integer<std::int32_t>(j.at("opnum"));
        h.handler = j.at("handler").get<std::string>();
        h.handler_ptype = j.at("handler_ptype").get<std::string>();
        h.status = integer<std::int32_t>(j.at("status"));
        h.status_string = j.at("status_string").get<std::string>();
        return core::MessageView{std::move(body), std::move(h)};
    } catch (const std::exception& e) {
        if (error != nullptr) *error = e.what();
        return std::nullopt;
    }
}

}  // namespace ttbus::store
