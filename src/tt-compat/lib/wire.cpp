#include "wire.h"

#include "protocol/wire.h"

#include <cerrno>
#include <utility>

namespace ttc {

namespace protocol = ttbus::protocol;

namespace {

// The client's view and the protocol's types hold the same fields; only their C++ shapes differ
// (Tt_* enums and a flat struct here, for the C API's accessors).
protocol::Value to_protocol(const Value& v) {
    switch (v.kind) {
    case Value::INT: return v.i;
    case Value::BYTES: return v.bytes;
    case Value::UNSET: break;
    }
    return {};
}

Value from_protocol(protocol::Value&& v) {
    Value out;
    if (const auto* i = std::get_if<std::int32_t>(&v)) {
        out.kind = Value::INT;
        out.i = *i;
    } else if (auto* b = std::get_if<std::string>(&v)) {
        out.kind = Value::BYTES;
        out.bytes = std::move(*b);
    }
    return out;
}

std::vector<protocol::Arg> to_protocol(const std::vector<Arg>& args) {
    std::vector<protocol::Arg> out;
    out.reserve(args.size());
    for (const auto& a : args) out.push_back({static_cast<protocol::Mode>(a.mode), a.vtype, to_protocol(a.value)});
    return out;
}

template <typename E>
protocol::EnumSet<E> to_set(const std::vector<std::int32_t>& values) {
    protocol::EnumSet<E> set;
    for (std::int32_t v : values) set.add(static_cast<E>(v));
    return set;
}

// The protocol throws (errors.h); this library answers with statuses. A message the writer cannot
// build (a string that is not UTF-8) or the reader refuses is unusable all the same: -EINVAL, which
// the callers turn into TT_ERR_INTERNAL or a dropped signal as before.
template <typename F>
int guarded(F&& f) {
    try {
        f();
        return 0;
    } catch (const protocol::Failure&) {
        return -EINVAL;
    }
}

}  // namespace

int append_value(sd_bus_message* m, const Value& v) {
    return guarded([&] {
        protocol::Writer w(m);
        w.open('r', "uiay");
        w.value(to_protocol(v));
        w.close();
    });
}

int append_message(sd_bus_message* m, const WireMessage& x) {
    protocol::MessageBody b;
    b.id = x.id;
    b.cls = static_cast<protocol::Class>(x.cls);
    b.address = static_cast<protocol::Address>(x.address);
    b.op = x.op;
    b.args = to_protocol(x.args);
    for (const auto& c : x.contexts) b.contexts.push_back({c.slot, to_protocol(c.value)});
    b.file = x.file;
    b.object = x.object;
    b.otype = x.otype;
    b.session = x.session;
    b.sender_ptype = x.sender_ptype;
    b.super = x.super;
    protocol::MessageHeader h;
    h.scope = static_cast<protocol::Scope>(x.scope);
    h.disposition = static_cast<protocol::Disposition>(x.disposition);
    h.handler = x.handler;
    h.handler_ptype = x.handler_ptype;
    h.status = x.status;
    h.status_string = x.status_string;
    return guarded([&] {
        protocol::Writer w(m);
        protocol::write_message(w, b, h, protocol::Party::client, nullptr, protocol::Defaults::omit);
    });
}

int append_pattern(sd_bus_message* m, const WirePattern& x) {
    protocol::Pattern p;
    p.category = static_cast<protocol::Category>(x.category);
    p.scopes = to_set<protocol::Scope>(x.scopes);
    p.classes = to_set<protocol::Class>(x.classes);
    p.states = to_set<protocol::State>(x.states);
    p.addresses = to_set<protocol::Address>(x.addresses);
    p.dispositions = to_set<protocol::Disposition>(x.dispositions);
    p.ops = x.ops;
    p.opnums = x.opnums;
    p.sessions = x.sessions;
    p.files = x.files;
    p.objects = x.objects;
    p.otypes = x.otypes;
    p.senders = x.senders;
    p.sender_ptypes = x.sender_ptypes;
    p.handlers = x.handlers;
    p.handler_ptypes = x.handler_ptypes;
    for (const auto& a : x.args) p.args.push_back({static_cast<protocol::Mode>(a.mode), a.vtype, to_protocol(a.value)});
    for (const auto& c : x.contexts) {
        protocol::PatternContext pc{c.slot, {}};
        for (const auto& v : c.values) pc.values.push_back(to_protocol(v));
        p.contexts.push_back(std::move(pc));
    }
    return guarded([&] {
        protocol::Writer w(m);
        protocol::write_pattern(w, p, protocol::Defaults::omit);
    });
}

int append_answer(sd_bus_message* m, const WireMessage& x) {
    return guarded([&] {
        protocol::Writer w(m);
        protocol::write_answer(w, to_protocol(x.args), x.status, x.status_string);
    });
}

int read_message(sd_bus_message* m, WireMessage& out) {
    protocol::Message in;
    protocol::DeliveryKeys delivery;
    const int r = guarded([&] { protocol::read_message(m, in, protocol::Party::broker, &delivery); });
    if (r < 0) return r;
    auto& b = in.body;
    auto& h = in.header;
    out.id = std::move(b.id);
    out.cls = static_cast<Tt_class>(b.cls);
    out.address = static_cast<Tt_address>(b.address);
    out.scope = static_cast<Tt_scope>(h.scope);
    out.disposition = static_cast<Tt_disposition>(h.disposition);
    out.op = std::move(b.op);
    out.args.clear();
    for (auto& a : b.args) out.args.push_back({static_cast<Tt_mode>(a.mode), std::move(a.vtype), from_protocol(std::move(a.value))});
    out.contexts.clear();
    for (auto& c : b.contexts) out.contexts.push_back({std::move(c.slot), from_protocol(std::move(c.value))});
    out.file = std::move(b.file);
    out.object = std::move(b.object);
    out.otype = std::move(b.otype);
    out.session = std::move(b.session);
    out.handler = std::move(h.handler);
    out.handler_ptype = std::move(h.handler_ptype);
    out.sender_ptype = std::move(b.sender_ptype);
    out.status = h.status;
    out.status_string = std::move(h.status_string);
    out.super = b.super;
    out.opnum = h.opnum;
    out.state = static_cast<Tt_state>(h.state);
    out.sender = std::move(b.sender);
    out.uid = b.uid;
    out.gid = b.gid;
    out.accepters = std::move(h.accepters);
    out.rejecters = std::move(h.rejecters);
    out.abstainers = std::move(h.abstainers);
    out.pattern = delivery.pattern;
    out.delivery = delivery.delivery;
    out.start_message = delivery.start_message;
    return 0;
}

}  // namespace ttc
