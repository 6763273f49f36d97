// The handlers of org.ttbus.Broker1: sessions, procids, types, introspection, the one-call forms.
// The generated entries (method_tables.py) have read the arguments; a handler whose out arguments
// are not plain values writes its reply itself.
#include "service_parts.h"

namespace ttbus::dbus {

// ---------------------------------------------------------------------------------------------
// org.ttbus.Broker1

void Service::Open(const MethodCall& c, OpenOptions& options) {
    as_known_caller(c, [this, session = options.session.value_or(default_session_),
                        token = std::move(options.token)](Connection& conn, const MessageRef& call) {
        std::string procid = open_procid(conn, session, token);
        reply(call.get(), [&](Writer& w) {
            w.string(procid);
            w.string(session);
        });
    });
}

void Service::Close(Connection&, const std::string& procid) {
    core::Effects fx;
    check(engine_.close(procid, core::CloseReason::CLOSED, fx), "close");
    connections_.disown(procid);
    apply(fx);
}

std::string Service::DefaultSession(const MethodCall&) { return default_session_; }

std::string Service::CreateSession(const MethodCall& call) {
    std::string session = options_.session_prefix + std::to_string(next_session_++);
    check(engine_.session_create(session), "create session");
    connections_.get(call.who.name).sessions.push_back(session);
    return session;
}

std::vector<std::string> Service::Sessions(const MethodCall&) { return engine_.sessions(); }

std::vector<std::string> Service::SessionProperty(const MethodCall&, const std::string& session,
                                                  const std::string& name) {
    std::vector<std::string> values;
    check(engine_.session_prop(session, name, &values), "session property " + name);
    return values;
}

void Service::SetSessionProperty(const MethodCall&, const std::string& session, const std::string& name,
                                 const std::string& value, std::uint32_t mode) {
    if (mode > 1) throw Failure(core::Status::ERR_INVALID, "mode is 0 (set) or 1 (add)");
    check(engine_.session_prop_set(session, name, value, mode == 1), "session property " + name);
}

std::vector<std::string> Service::SessionPropertyNames(const MethodCall&, const std::string& session) {
    std::vector<std::string> names;
    check(engine_.session_prop_names(session, &names), "session " + session);
    return names;
}

std::tuple<std::uint32_t, std::uint32_t> Service::ReloadTypes(const MethodCall&) { return reload_types(); }

void Service::LoadTypes(const MethodCall&, const std::string& xdr) {
    if (!options_.merge_xdr) throw Failure(core::Status::ERR_UNIMP, "no type loader");
    std::shared_ptr<const core::TypeDb> types = engine_.types_snapshot();
    std::string error = options_.merge_xdr(xdr, types);
    if (!error.empty()) throw Failure(core::Status::ERR_XDR, error);
    engine_.set_types(types);
}

void Service::PtypeExists(const MethodCall&, const std::string& ptype) {
    check(engine_.ptype_exists(ptype), "no ptype " + ptype);
}

std::vector<std::string> Service::Ptypes(const MethodCall&) {
    std::vector<std::string> ids;
    for (const auto& p : engine_.types().ptypes()) ids.push_back(p.id);
    return ids;
}

int Service::Otype(const MethodCall& call, const std::string& otype) {
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
    return reply(call.message, [&](Writer& w) {
        w.open('a', "{sv}");
        w.entry(otype_keys[otype_key::ancestors], types.ancestors(otype));
        w.entry(otype_keys[otype_key::parents], o->parents);
        w.entry(otype_keys[otype_key::derived], derived);
        w.entry_with(otype_keys[otype_key::handle], [&] { signatures(w, false); });
        w.entry_with(otype_keys[otype_key::observe], [&] { signatures(w, true); });
        w.close();
    });
}

namespace {

void write_procid_info(Writer& w, const core::ProcidInfo& info, const Connection* owner) {
    using namespace procid_info_key;
    const auto& keys = procid_info_keys;
    w.open('a', "{sv}");
    w.entry(keys[procid], info.id);
    w.entry(keys[session], info.session);
    w.entry(keys[sessions], info.sessions);
    w.entry(keys[files], info.files);
    w.entry(keys[ptypes], info.ptypes);
    w.entry(keys[patterns], info.patterns);
    w.entry(keys[default_ptype], info.default_ptype);
    w.entry(keys[uid], info.uid);
    w.entry(keys[gid], info.gid);
    w.entry(keys[procid_info_key::owner], owner ? owner->name : std::string());
    w.close();
}

}  // namespace

int Service::ProcidInfo(const MethodCall& call, const std::string& procid) {
    auto info = engine_.procid_info(procid);
    if (!info) throw Failure(core::Status::ERR_PROCID, "no procid " + procid);
    return reply(call.message, [&](Writer& w) { write_procid_info(w, *info, connections_.owner(procid)); });
}

int Service::Status(const MethodCall& call) {
    std::size_t patterns = 0;
    for (const auto& id : engine_.procids()) patterns += engine_.procid_info(id)->patterns.size();
    auto count = [](std::size_t n) { return static_cast<std::uint32_t>(n); };
    return reply(call.message, [&](Writer& w) {
        const auto& keys = status_keys;
        w.open('a', "{sv}");
        w.entry(keys[status_key::version], options_.version);
        w.entry(keys[status_key::procids], count(engine_.procids().size()));
        w.entry(keys[status_key::patterns], count(patterns));
        w.entry(keys[status_key::live_messages], count(engine_.live_message_count()));
        w.entry(keys[status_key::queued], count(engine_.queued_count()));
        w.entry(keys[status_key::sessions], count(engine_.sessions().size()));
        w.entry(keys[status_key::ptypes], count(engine_.types().ptypes().size()));
        w.entry(keys[status_key::otypes], count(engine_.types().otypes().size()));
        w.entry(keys[status_key::default_session], default_session_);
        w.entry(keys[status_key::launches], count(launcher_->launches().size()));
        w.entry(keys[status_key::launcher], launcher_->kind());
        w.entry(keys[status_key::waiting], count(engine_.waiting_count()));
        w.entry(keys[status_key::bytes], static_cast<std::uint64_t>(engine_.kept_bytes()));
        w.entry(keys[status_key::orphaned], count(engine_.orphaned_count()));
        w.close();
    });
}

int Service::Procids(const MethodCall& call) {
    return reply(call.message, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& id : engine_.procids()) write_procid_info(w, *engine_.procid_info(id), connections_.owner(id));
        w.close();
    });
}

int Service::Patterns(const MethodCall& call) {
    return reply(call.message, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& procid : engine_.procids()) {
            const auto info = engine_.procid_info(procid);
            for (core::PatternId id : info->patterns) {
                w.open('a', "{sv}");
                write_pattern_entries(w, *engine_.pattern(id));
                w.entry(pattern_entry_keys[pattern_entry_key::id], id);
                w.entry(pattern_entry_keys[pattern_entry_key::procid], procid);
                w.entry(pattern_entry_keys[pattern_entry_key::ptype], engine_.pattern_ptype(id));
                w.close();
            }
        }
        w.close();
    });
}

int Service::Queue(const MethodCall& call) {
    return reply(call.message, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& q : engine_.queued()) {
            w.open('a', "{sv}");
            write_message_entries(w, q.message);
            w.entry(queue_keys[queue_key::queue_scope], static_cast<std::int32_t>(q.queue.scope));
            w.entry(queue_keys[queue_key::queue], q.queue.name);
            w.entry(queue_keys[queue_key::queue_ptype], q.ptype);
            w.close();
        }
        w.close();
    });
}

int Service::Launches(const MethodCall& call) {
    return reply(call.message, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& l : launcher_->launches()) {
            w.open('a', "{sv}");
            using namespace launch_key;
            w.entry(launch_keys[token], l.token);
            w.entry(launch_keys[ptype], l.ptype);
            w.entry(launch_keys[unit], l.unit);
            w.entry(launch_keys[state], l.state);
            w.entry(launch_keys[pid], static_cast<std::uint32_t>(l.pid));
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

void Service::Call(const MethodCall& c, CallMessage& message) {
    as_known_caller(c, [this, msg = core::Message(std::move(message))](Connection& conn, const MessageRef& call) mutable {
        one_call(conn, msg, core::Class::REQUEST, [&](const std::string& id) { conn.calls.emplace(id, call); });
    });
}

void Service::Notify(const MethodCall& c, NotifyMessage& message) {
    as_known_caller(c, [this, msg = core::Message(std::move(message))](Connection& conn, const MessageRef& call) mutable {
        std::string id = one_call(conn, msg, core::Class::NOTICE, {});
        reply(call.get(), [&](Writer& w) { w.string(id); });
    });
}

std::string Service::PeerAddress(const MethodCall&) {
    if (!listener_) {
        throw Failure(core::Status::ERR_UNIMP, options_.peer_directory.empty()
                                                   ? "no peer-to-peer transport: XDG_RUNTIME_DIR is not set"
                                                   : "no peer-to-peer transport: see the broker's log");
    }
    return listener_->address();
}

}  // namespace ttbus::dbus
