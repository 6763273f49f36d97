#include "wire.h"

#include <algorithm>

namespace ttbus::dbus {

using core::Status;

namespace {

template <typename T>
T typed(const std::string& key, const sdbus::Variant& v) {
    if (!v.containsValueOfType<T>()) {
        throw WireError(Status::ERR_INVALID, "key '" + key + "' has type " + v.peekValueType() +
                                                 ", expected " + sdbus::signature_of<T>::str());
    }
    return v.get<T>();
}

// Range-checked enums: an out-of-range value is the enum's own error, before any bit is shifted.
template <typename E>
E enum_value(std::int32_t v, Status error, const std::string& what) {
    if (!core::valid(static_cast<E>(v))) throw WireError(error, what + " " + std::to_string(v) + " is out of range");
    return static_cast<E>(v);
}

template <typename E>
core::EnumSet<E> enum_set(const std::vector<std::int32_t>& values, Status error, const std::string& what) {
    core::EnumSet<E> set;
    for (auto v : values) set.add(enum_value<E>(v, error, what));
    return set;
}

template <typename E>
std::vector<std::int32_t> enum_list(const core::EnumSet<E>& set, int count) {
    std::vector<std::int32_t> out;
    for (int i = 0; i < count; ++i) {
        if (set.contains(static_cast<E>(i))) out.push_back(i);
    }
    return out;
}

std::string bytes_to_string(const std::vector<std::uint8_t>& b) { return std::string(b.begin(), b.end()); }
std::vector<std::uint8_t> string_to_bytes(const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); }

core::Value value_of(std::uint32_t kind, std::int32_t i, const std::vector<std::uint8_t>& b) {
    switch (kind) {
    case 0:
        if (i != 0 || !b.empty()) throw WireError(Status::ERR_INVALID, "an unset value carries data");
        return {};
    case 1:
        if (!b.empty()) throw WireError(Status::ERR_INVALID, "an int value carries bytes");
        return i;
    case 2:
        if (i != 0) throw WireError(Status::ERR_INVALID, "a bytes value carries an int");
        return bytes_to_string(b);
    default:
        throw WireError(Status::ERR_INVALID, "value kind " + std::to_string(kind) + " is not 0, 1 or 2");
    }
}

core::Mode mode_of(std::int32_t m) { return enum_value<core::Mode>(m, Status::ERR_MODE, "mode"); }

std::vector<core::Arg> decode_args(const std::vector<WireArg>& wire, std::size_t& bytes) {
    if (wire.size() > max_args) {
        throw WireError(Status::ERR_OVERFLOW, std::to_string(wire.size()) + " args; the limit is " +
                                                  std::to_string(max_args));
    }
    std::vector<core::Arg> out;
    for (const auto& a : wire) {
        core::Mode mode = mode_of(a.get<0>());
        bytes += a.get<1>().size() + a.get<4>().size();
        out.push_back({mode, a.get<1>(), value_of(a.get<2>(), a.get<3>(), a.get<4>())});
    }
    return out;
}

std::vector<WireArg> encode_args(const std::vector<core::Arg>& args) {
    std::vector<WireArg> out;
    for (const auto& a : args) {
        WireValue v = encode_value(a.value);
        out.emplace_back(static_cast<std::int32_t>(a.mode), a.vtype, v.get<0>(), v.get<1>(), v.get<2>());
    }
    return out;
}

void check_size(std::size_t bytes) {
    if (bytes > max_message_bytes) {
        throw WireError(Status::ERR_OVERFLOW, std::to_string(bytes) + " bytes; the limit is " +
                                                  std::to_string(max_message_bytes));
    }
}

}  // namespace

core::Value decode_value(const WireValue& v) { return value_of(v.get<0>(), v.get<1>(), v.get<2>()); }

WireValue encode_value(const core::Value& v) {
    if (core::is_int(v)) return {1u, std::get<std::int32_t>(v), {}};
    if (core::is_bytes(v)) return {2u, 0, string_to_bytes(std::get<std::string>(v))};
    return {0u, 0, {}};
}

void only_keys(const Dict& d, std::initializer_list<const char*> known) {
    for (const auto& entry : d) {
        const std::string& key = entry.first;
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
            throw WireError(Status::ERR_INVALID, "unknown key '" + key + "'");
        }
    }
}

core::Message decode_message(const Dict& d) {
    core::Message m;
    auto& b = m.body;
    auto& h = m.header;
    std::size_t bytes = 0;
    for (const auto& [key, v] : d) {
        auto str = [&, &key = key, &v = v] {
            std::string s = typed<std::string>(key, v);
            bytes += s.size();
            return s;
        };
        auto i32 = [&, &key = key, &v = v] { return typed<std::int32_t>(key, v); };
        if (key == "id") b.id = str();
        else if (key == "class") b.cls = enum_value<core::Class>(i32(), Status::ERR_CLASS, "class");
        else if (key == "address") b.address = enum_value<core::Address>(i32(), Status::ERR_ADDRESS, "address");
        else if (key == "scope") h.scope = enum_value<core::Scope>(i32(), Status::ERR_SCOPE, "scope");
        else if (key == "disposition") {
            h.disposition = enum_value<core::Disposition>(i32(), Status::ERR_DISPOSITION, "disposition");
        } else if (key == "op") b.op = str();
        else if (key == "args") b.args = decode_args(typed<std::vector<WireArg>>(key, v), bytes);
        else if (key == "contexts") {
            for (const auto& c : typed<std::vector<WireContext>>(key, v)) {
                bytes += c.get<0>().size() + c.get<3>().size();
                b.contexts.push_back({c.get<0>(), value_of(c.get<1>(), c.get<2>(), c.get<3>())});
            }
        } else if (key == "file") {
            b.file = str();
            if (!b.file.empty() && b.file[0] != '/') {
                throw WireError(Status::ERR_PATH, "file '" + b.file + "' is not an absolute path");
            }
        }
        else if (key == "object") b.object = str();
        else if (key == "otype") b.otype = str();
        else if (key == "session") b.session = str();
        else if (key == "handler") h.handler = str();
        else if (key == "handler_ptype") h.handler_ptype = str();
        else if (key == "sender_ptype") b.sender_ptype = str();
        else if (key == "status") h.status = i32();
        else if (key == "status_string") h.status_string = str();
        else if (key == "super") b.super = typed<bool>(key, v);
        // Keys the broker sets: accepted (a received message may be sent back) and ignored.
        else if (key == "opnum" || key == "state") (void)i32();
        else if (key == "sender") (void)str();
        else if (key == "uid" || key == "gid") (void)typed<std::uint32_t>(key, v);
        else if (key == "accepters" || key == "rejecters" || key == "abstainers") {
            (void)typed<std::vector<std::string>>(key, v);
        } else if (key == "pattern") (void)typed<std::uint64_t>(key, v);
        else if (key == "delivery") (void)typed<std::uint32_t>(key, v);
        else if (key == "start_message") (void)typed<bool>(key, v);
        else throw WireError(Status::ERR_INVALID, "unknown key '" + key + "'");
    }
    check_size(bytes);
    return m;
}

Dict encode_message(const core::MessageView& m) {
    const auto& b = *m.body;
    const auto& h = m.header;
    std::vector<WireContext> contexts;
    for (const auto& c : b.contexts) {
        WireValue v = encode_value(c.value);
        contexts.emplace_back(c.slot, v.get<0>(), v.get<1>(), v.get<2>());
    }
    Dict d{
        {"id", sdbus::Variant(b.id)},
        {"class", sdbus::Variant(static_cast<std::int32_t>(b.cls))},
        {"address", sdbus::Variant(static_cast<std::int32_t>(b.address))},
        {"scope", sdbus::Variant(static_cast<std::int32_t>(h.scope))},
        {"disposition", sdbus::Variant(static_cast<std::int32_t>(h.disposition))},
        {"op", sdbus::Variant(b.op)},
        {"args", sdbus::Variant(encode_args(b.args))},
        {"contexts", sdbus::Variant(contexts)},
        {"file", sdbus::Variant(b.file)},
        {"object", sdbus::Variant(b.object)},
        {"otype", sdbus::Variant(b.otype)},
        {"session", sdbus::Variant(b.session)},
        {"sender", sdbus::Variant(b.sender)},
        {"sender_ptype", sdbus::Variant(b.sender_ptype)},
        {"uid", sdbus::Variant(b.uid)},
        {"gid", sdbus::Variant(b.gid)},
        {"state", sdbus::Variant(static_cast<std::int32_t>(h.state))},
        {"opnum", sdbus::Variant(h.opnum)},
        {"handler", sdbus::Variant(h.handler)},
        {"handler_ptype", sdbus::Variant(h.handler_ptype)},
        {"status", sdbus::Variant(h.status)},
        {"status_string", sdbus::Variant(h.status_string)},
    };
    if (b.cls == core::Class::OFFER) {
        d.emplace("accepters", sdbus::Variant(h.accepters));
        d.emplace("rejecters", sdbus::Variant(h.rejecters));
        d.emplace("abstainers", sdbus::Variant(h.abstainers));
    }
    return d;
}

core::Pattern decode_pattern(const Dict& d) {
    core::Pattern p;
    std::size_t bytes = 0;
    for (const auto& [key, v] : d) {
        auto strings = [&, &key = key, &v = v] {
            auto list = typed<std::vector<std::string>>(key, v);
            for (const auto& s : list) bytes += s.size();
            return list;
        };
        auto ints = [&, &key = key, &v = v] { return typed<std::vector<std::int32_t>>(key, v); };
        if (key == "category") {
            p.category = enum_value<core::Category>(typed<std::int32_t>(key, v), Status::ERR_CATEGORY, "category");
        } else if (key == "scopes") p.scopes = enum_set<core::Scope>(ints(), Status::ERR_SCOPE, "scope");
        else if (key == "classes") p.classes = enum_set<core::Class>(ints(), Status::ERR_CLASS, "class");
        else if (key == "states") p.states = enum_set<core::State>(ints(), Status::ERR_INVALID, "state");
        else if (key == "addresses") p.addresses = enum_set<core::Address>(ints(), Status::ERR_ADDRESS, "address");
        else if (key == "dispositions") {
            p.dispositions = enum_set<core::Disposition>(ints(), Status::ERR_DISPOSITION, "disposition");
        } else if (key == "ops") p.ops = strings();
        else if (key == "opnums") p.opnums = ints();
        else if (key == "sessions") p.sessions = strings();
        else if (key == "files") p.files = strings();
        else if (key == "objects") p.objects = strings();
        else if (key == "otypes") p.otypes = strings();
        else if (key == "senders") p.senders = strings();
        else if (key == "sender_ptypes") p.sender_ptypes = strings();
        else if (key == "handlers") p.handlers = strings();
        else if (key == "handler_ptypes") p.handler_ptypes = strings();
        else if (key == "args") {
            for (const auto& a : decode_args(typed<std::vector<WireArg>>(key, v), bytes)) {
                p.args.push_back({a.mode, a.vtype, a.value});
            }
        } else if (key == "contexts") {
            for (const auto& c : typed<std::vector<WirePatternContext>>(key, v)) {
                core::PatternContext pc{c.get<0>(), {}};
                bytes += pc.slot.size();
                for (const auto& value : c.get<1>()) {
                    bytes += value.get<2>().size();
                    pc.values.push_back(decode_value(value));
                }
                p.contexts.push_back(std::move(pc));
            }
        } else {
            throw WireError(Status::ERR_INVALID, "unknown key '" + key + "'");
        }
    }
    check_size(bytes);
    return p;
}

Dict encode_pattern(const core::Pattern& p) {
    std::vector<WireArg> args;
    for (const auto& a : p.args) {
        WireValue v = encode_value(a.value);
        args.emplace_back(static_cast<std::int32_t>(a.mode), a.vtype, v.get<0>(), v.get<1>(), v.get<2>());
    }
    std::vector<WirePatternContext> contexts;
    for (const auto& c : p.contexts) {
        std::vector<WireValue> values;
        for (const auto& v : c.values) values.push_back(encode_value(v));
        contexts.emplace_back(c.slot, values);
    }
    return {
        {"category", sdbus::Variant(static_cast<std::int32_t>(p.category))},
        {"scopes", sdbus::Variant(enum_list(p.scopes, core::scope_count))},
        {"classes", sdbus::Variant(enum_list(p.classes, 4))},
        {"states", sdbus::Variant(enum_list(p.states, 10))},
        {"addresses", sdbus::Variant(enum_list(p.addresses, 4))},
        {"dispositions", sdbus::Variant(enum_list(p.dispositions, core::disposition_count))},
        {"ops", sdbus::Variant(p.ops)},
        {"opnums", sdbus::Variant(p.opnums)},
        {"sessions", sdbus::Variant(p.sessions)},
        {"files", sdbus::Variant(p.files)},
        {"objects", sdbus::Variant(p.objects)},
        {"otypes", sdbus::Variant(p.otypes)},
        {"senders", sdbus::Variant(p.senders)},
        {"sender_ptypes", sdbus::Variant(p.sender_ptypes)},
        {"handlers", sdbus::Variant(p.handlers)},
        {"handler_ptypes", sdbus::Variant(p.handler_ptypes)},
        {"args", sdbus::Variant(args)},
        {"contexts", sdbus::Variant(contexts)},
    };
}

core::Answer decode_answer(const Dict& d) {
    core::Answer a;
    std::size_t bytes = 0;
    for (const auto& [key, v] : d) {
        if (key == "args") {
            for (const auto& arg : decode_args(typed<std::vector<WireArg>>(key, v), bytes)) a.args.push_back(arg.value);
        } else if (key == "status") {
            a.status = typed<std::int32_t>(key, v);
        } else if (key == "status_string") {
            a.status_string = typed<std::string>(key, v);
            bytes += a.status_string.size();
        } else {
            throw WireError(Status::ERR_INVALID, "unknown key '" + key + "'");
        }
    }
    check_size(bytes);
    return a;
}

}  // namespace ttbus::dbus
