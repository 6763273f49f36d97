// The handlers of org.ttbus.Broker1: sessions, procids, types, introspection, the one-call forms.
#include "service_parts.h"

namespace ttbus::dbus {

// ---------------------------------------------------------------------------------------------
// org.ttbus.Broker1

int Service::Open(sd_bus_message* m) {
    std::string values[2] = {default_session_, ""};
    read_string_options(m, {"session", "token"}, values);
    MessageRef call(m);
    with_credentials(caller(m), [this, call, session = values[0], token = values[1]](Connection* conn,
                                                                                    const sd_bus_error* error) {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            std::string procid = open_procid(*conn, session, token);
            reply(call.get(), [&](Writer& w) {
                w.string(procid);
                w.string(session);
            });
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
    return 1;
}

int Service::Close(sd_bus_message* m) {
    const char* procid = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    const std::string id(procid);
    check(engine_.close(id, core::CloseReason::CLOSED, fx), "close");
    connections_.disown(id);
    apply(fx);
    return reply_empty(m);
}

int Service::DefaultSession(sd_bus_message* m) {
    return reply(m, [&](Writer& w) { w.string(default_session_); });
}

int Service::CreateSession(sd_bus_message* m) {
    std::string session = options_.session_prefix + std::to_string(next_session_++);
    check(engine_.session_create(session), "create session");
    connections_.get(caller(m).name).sessions.push_back(session);
    return reply(m, [&](Writer& w) { w.string(session); });
}

int Service::Sessions(sd_bus_message* m) {
    return reply(m, [&](Writer& w) { w.strings(engine_.sessions()); });
}

int Service::SessionProperty(sd_bus_message* m) {
    const std::string session = read_string(m);
    const std::string name = read_string(m);
    std::vector<std::string> values;
    check(engine_.session_prop(session, name, &values), "session property " + name);
    return reply(m, [&](Writer& w) {
        w.open('a', "ay");
        for (const auto& v : values) w.bytes(v);
        w.close();
    });
}

int Service::SetSessionProperty(sd_bus_message* m) {
    const std::string session = read_string(m);
    const std::string name = read_string(m);
    const std::string value(read_bytes(m));
    const std::uint32_t mode = read_uint32(m);
    if (mode > 1) throw Failure(core::Status::ERR_INVALID, "mode is 0 (set) or 1 (add)");
    check(engine_.session_prop_set(session, name, value, mode == 1), "session property " + name);
    return reply_empty(m);
}

int Service::SessionPropertyNames(sd_bus_message* m) {
    const std::string session = read_string(m);
    std::vector<std::string> names;
    check(engine_.session_prop_names(session, &names), "session " + session);
    return reply(m, [&](Writer& w) { w.strings(names); });
}

int Service::ReloadTypes(sd_bus_message* m) {
    auto [p, o] = reload_types();
    return reply(m, [&](Writer& w) {
        w.uint32(p);
        w.uint32(o);
    });
}

int Service::LoadTypes(sd_bus_message* m) {
    const std::string xdr(read_bytes(m));
    if (!options_.merge_xdr) throw Failure(core::Status::ERR_UNIMP, "no type loader");
    std::shared_ptr<const core::TypeDb> types = engine_.types_snapshot();
    std::string error = options_.merge_xdr(xdr, types);
    if (!error.empty()) throw Failure(core::Status::ERR_XDR, error);
    engine_.set_types(types);
    return reply_empty(m);
}

int Service::PtypeExists(sd_bus_message* m) {
    const std::string ptype = read_string(m);
    check(engine_.ptype_exists(ptype), "no ptype " + ptype);
    return reply_empty(m);
}

int Service::Ptypes(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "s");
        for (const auto& p : engine_.types().ptypes()) w.string(p.id);
        w.close();
    });
}

int Service::Otype(sd_bus_message* m) {
    const std::string otype = read_string(m);
    const core::TypeDb& types = engine_.types();
    const core::Otype* o = types.find_otype(otype);
    if (o == nullptr) throw Failure(core::Status::ERR_OTYPE, "no otype " + otype);
    std::vector<std::string> derived;
    for (const auto& other : types.otypes()) {
        auto anc = types.ancestors(other.id);
        if (std::find(anc.begin(), anc.end(), otype) != anc.end()) derived.push_back(other.id);
    }
    auto signatures = [&](Writer& w, bool observe) {
        w.open('a', "(sa(is))");
        for (const auto& s : o->signatures) {
            if ((s.category == core::Category::OBSERVE) != observe) continue;
            w.open('r', "sa(is)");
            w.string(s.op);
            w.open('a', "(is)");
            for (const auto& a : s.args) {
                w.open('r', "is");
                w.int32(static_cast<std::int32_t>(a.mode));
                w.string(a.vtype);
                w.close();
            }
            w.close();
            w.close();
        }
        w.close();
    };
    return reply(m, [&](Writer& w) {
        w.open('a', "{sv}");
        w.entry("ancestors", types.ancestors(otype));
        w.entry("parents", o->parents);
        w.entry("derived", derived);
        w.entry_with("handle", "a(sa(is))", [&] { signatures(w, false); });
        w.entry_with("observe", "a(sa(is))", [&] { signatures(w, true); });
        w.close();
    });
}

namespace {

void write_procid_info(Writer& w, const core::ProcidInfo& info, const Connection* owner) {
    w.open('a', "{sv}");
    w.entry("procid", info.id);
    w.entry("session", info.session);
    w.entry("sessions", info.sessions);
    w.entry("files", info.files);
    w.entry("ptypes", info.ptypes);
    w.entry("patterns", info.patterns);
    w.entry("default_ptype", info.default_ptype);
    w.entry("uid", info.uid);
    w.entry("gid", info.gid);
    w.entry("owner", owner ? owner->name : std::string());
    w.close();
}

}  // namespace

int Service::ProcidInfo(sd_bus_message* m) {
    const std::string procid = read_string(m);
    auto info = engine_.procid_info(procid);
    if (!info) throw Failure(core::Status::ERR_PROCID, "no procid " + procid);
    return reply(m, [&](Writer& w) { write_procid_info(w, *info, connections_.owner(procid)); });
}

int Service::Status(sd_bus_message* m) {
    std::size_t patterns = 0;
    for (const auto& id : engine_.procids()) patterns += engine_.procid_info(id)->patterns.size();
    auto count = [](std::size_t n) { return static_cast<std::uint32_t>(n); };
    return reply(m, [&](Writer& w) {
        w.open('a', "{sv}");
        w.entry("version", options_.version);
        w.entry("procids", count(engine_.procids().size()));
        w.entry("patterns", count(patterns));
        w.entry("live_messages", count(engine_.live_message_count()));
        w.entry("queued", count(engine_.queued_count()));
        w.entry("sessions", count(engine_.sessions().size()));
        w.entry("ptypes", count(engine_.types().ptypes().size()));
        w.entry("otypes", count(engine_.types().otypes().size()));
        w.entry("default_session", default_session_);
        w.entry("launches", count(launcher_->launches().size()));
        w.entry("launcher", launcher_->kind());
        w.close();
    });
}

int Service::Procids(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& id : engine_.procids()) write_procid_info(w, *engine_.procid_info(id), connections_.owner(id));
        w.close();
    });
}

int Service::Patterns(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& procid : engine_.procids()) {
            const auto info = engine_.procid_info(procid);
            for (core::PatternId id : info->patterns) {
                w.open('a', "{sv}");
                write_pattern_entries(w, *engine_.pattern(id));
                w.entry("id", id);
                w.entry("procid", procid);
                w.entry("ptype", engine_.pattern_ptype(id));
                w.close();
            }
        }
        w.close();
    });
}

int Service::Queue(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& q : engine_.queued()) {
            w.open('a', "{sv}");
            write_message_entries(w, q.message);
            w.entry("queue_scope", static_cast<std::int32_t>(q.queue.scope));
            w.entry("queue", q.queue.name);
            w.entry("queue_ptype", q.ptype);
            w.close();
        }
        w.close();
    });
}

int Service::Launches(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& l : launcher_->launches()) {
            w.open('a', "{sv}");
            w.entry("token", l.token);
            w.entry("ptype", l.ptype);
            w.entry("unit", l.unit);
            w.entry("state", l.state);
            w.entry("pid", static_cast<std::uint32_t>(l.pid));
            w.close();
        }
        w.close();
    });
}

// The one-call forms: the message was read over what a shell user leaves out (class, address
// procedure, scope session); it is sent from the procid the broker keeps for the connection.
std::string Service::one_call(Connection& conn, core::Message& m, core::Class cls,
                              const std::function<void(const std::string&)>& before_effects) {
    if (m.body.op.empty()) throw Failure(core::Status::ERR_OP, "a one-call message needs an op");
    if (m.body.cls != cls) {
        throw Failure(core::Status::ERR_CLASS, cls == core::Class::REQUEST ? "Call sends requests" : "Notify sends notices");
    }
    if (conn.call_procid.empty()) conn.call_procid = open_procid(conn, default_session_, "");
    const std::string procid = conn.call_procid;
    return send_checked(procid, m, before_effects);
}

namespace {

core::Message one_call_message(sd_bus_message* m, core::Class cls) {
    core::Message msg;
    msg.body.cls = cls;
    msg.body.address = core::Address::PROCEDURE;
    msg.header.scope = core::Scope::SESSION;
    read_message(m, msg);
    return msg;
}

}  // namespace

int Service::Call(sd_bus_message* m) {
    MessageRef call(m);
    with_credentials(caller(m), [this, call, msg = one_call_message(m, core::Class::REQUEST)](
                                    Connection* conn, const sd_bus_error* error) mutable {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            one_call(*conn, msg, core::Class::REQUEST, [&](const std::string& id) { conn->calls.emplace(id, call); });
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
    return 1;
}

int Service::Notify(sd_bus_message* m) {
    MessageRef call(m);
    with_credentials(caller(m), [this, call, msg = one_call_message(m, core::Class::NOTICE)](
                                    Connection* conn, const sd_bus_error* error) mutable {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            std::string id = one_call(*conn, msg, core::Class::NOTICE, {});
            reply(call.get(), [&](Writer& w) { w.string(id); });
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
    return 1;
}

int Service::PeerAddress(sd_bus_message* m) {
    if (!listener_) {
        throw Failure(core::Status::ERR_UNIMP, options_.peer_directory.empty()
                                                   ? "no peer-to-peer transport: XDG_RUNTIME_DIR is not set"
                                                   : "no peer-to-peer transport: see the broker's log");
    }
    return reply(m, [&](Writer& w) { w.string(listener_->address()); });
}

}  // namespace ttbus::dbus
