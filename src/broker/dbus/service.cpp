#include "service.h"

#include "errors.h"
#include "message_writer.h"

#include "launch/fork_launcher.h"
#include "launch/systemd_launcher.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ttbus::dbus {

namespace {

constexpr const char* object_path = "/org/ttbus/Broker1";
constexpr const char* procid_interface = "org.ttbus.Procid1";
constexpr const char* monitor_interface = "org.ttbus.Monitor1";

void log(const std::string& text) { std::fprintf(stderr, "ttbusd: %s\n", text.c_str()); }

// The effective uid and gid of a process, from /proc (classic ToolTalk stamped effective ids).
bool effective_ids(std::uint32_t pid, std::uint32_t& uid, std::uint32_t& gid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    bool have_uid = false, have_gid = false;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string key;
        std::uint32_t real = 0, effective = 0;
        fields >> key >> real >> effective;
        if (!fields) continue;
        if (key == "Uid:") uid = effective, have_uid = true;
        if (key == "Gid:") gid = effective, have_gid = true;
    }
    return have_uid && have_gid;
}

bool is_final(core::State s) {
    return s == core::State::HANDLED || s == core::State::FAILED || s == core::State::RETURNED;
}

}  // namespace

Service::Service(sdbus::IConnection& bus, ServiceOptions options)
    : AdaptorInterfaces(bus, object_path),
      bus_(bus),
      options_(std::move(options)),
      engine_(core::EngineOptions{options_.session_prefix + "p", options_.session_prefix + "t"}) {
    auto ended = [this](const std::string& token, const std::string& reason) { launch_ended(token, reason); };
    if (options_.systemd) {
        launcher_ = std::make_unique<launch::SystemdLauncher>(bus_, ended);
        log("starting ptypes as systemd user units");
    } else {
        launcher_ = std::make_unique<launch::ForkLauncher>(ended);
        log("no systemd user manager on the bus: starting ptypes with fork/exec");
    }
    // The default session keeps its id across restarts, so messages queued in it are found again.
    default_session_ = "ttbus." + std::to_string(options_.broker_uid) + ".default";
    engine_.session_create(default_session_);
    reload_types();
    if (!options_.queue_store.empty()) {
        std::string error;
        store_ = store::QueueStore::open(options_.queue_store, &error);
        if (!store_) log("queued messages will not survive a restart: " + error);
    }
    if (store_) {
        std::vector<std::string> problems;
        std::size_t restored = 0;
        for (const auto& q : store_->load(&problems)) {
            core::Status s = engine_.queue_restore(q);
            if (s == core::Status::OK) {
                ++restored;
            } else {
                problems.push_back("queued message " + q.message->id + ": " + std::string(core::status_name(s)));
                store_->remove(core::Dequeued{q.queue, q.ptype, q.message->id}, nullptr);
            }
        }
        for (const auto& p : problems) log(p);
        if (restored > 0) log("restored " + std::to_string(restored) + " queued messages from " + options_.queue_store);
    }
    driver_ = sdbus::createProxy(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    owner_changes_ = bus_.addMatch(
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged'",
        [this](sdbus::Message& m) {
            std::string name, old_owner, new_owner;
            m >> name >> old_owner >> new_owner;
            if (new_owner.empty() && !name.empty() && name[0] == ':') connection_gone(name);
        });
    registerAdaptor();
}

Service::~Service() { unregisterAdaptor(); }

// ---------------------------------------------------------------------------------------------
// Helpers

std::string Service::caller() const { return getObject().getCurrentlyProcessedMessage()->getSender(); }

void Service::own(const std::string& procid) const {
    const Connection* c = connections_.owner(procid);
    if (c == nullptr) throw make_error(core::Status::ERR_PROCID, "no procid " + procid);
    if (c->name != caller()) throw make_error(core::Status::ERR_ACCESS, "procid " + procid + " belongs to another connection");
}

void Service::check(core::Status s, const std::string& what) {
    if (s != core::Status::OK && core::is_error(s)) throw make_error(s, what);
}

template <typename F>
auto Service::guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const WireError& e) {
        throw make_error(e.status, e.what());
    }
}

void Service::with_credentials(const std::string& sender,
                               std::function<void(const Connection*, const sdbus::Error*)> then) {
    Connection& c = connections_.get(sender);
    if (c.credentials_known) {
        then(&c, nullptr);
        return;
    }
    c.awaiting_credentials.push_back(std::move(then));
    if (c.awaiting_credentials.size() > 1) return;  // already asked
    // Asked asynchronously: the event loop never waits on the bus.
    driver_->callMethodAsync("GetConnectionCredentials")
        .onInterface("org.freedesktop.DBus")
        .withArguments(sender)
        .uponReplyInvoke([this, sender](const sdbus::Error* error, Dict creds) {
            Connection* conn = connections_.find(sender);
            if (conn == nullptr) return;  // gone meanwhile
            auto waiting = std::move(conn->awaiting_credentials);
            conn->awaiting_credentials.clear();
            if (error == nullptr) {
                conn->uid = option<std::uint32_t>(creds, "UnixUserID", 0);
                auto groups = option<std::vector<std::uint32_t>>(creds, "UnixGroupIDs", {});
                conn->gid = groups.empty() ? 0 : groups.front();
                auto pid = option<std::uint32_t>(creds, "ProcessID", 0);
                if (pid != 0) effective_ids(pid, conn->uid, conn->gid);
                conn->credentials_known = true;
            }
            for (auto& then : waiting) then(error == nullptr ? conn : nullptr, error);
        });
}

std::string Service::open_procid(const std::string& sender, const Connection& conn, const std::string& session,
                                 const std::string& token) {
    Connection& c = connections_.get(sender);
    if (c.procids.size() >= max_procids) {
        throw make_error(core::Status::ERR_OVERFLOW, "a connection may open " + std::to_string(max_procids) + " procids");
    }
    core::Effects fx;
    std::string procid;
    check(engine_.open({session, conn.uid, conn.gid, token}, fx, &procid), "session " + session);
    connections_.own(procid, c);
    apply(fx);
    return procid;
}

// Every send goes through here: limits, the engine, the monitor, then the effects. `before_effects`
// runs once the id is known and before any effect is carried out (a one-call request must be
// waiting for its reply before the reply can be applied).
std::string Service::send_checked(const std::string& procid, core::Message m,
                                  const std::function<void(const std::string&)>& before_effects) {
    Connection& c = *connections_.owner(procid);
    if (c.outstanding.size() >= max_outstanding) {
        throw make_error(core::Status::ERR_OVERFLOW, std::to_string(max_outstanding) + " messages are already in flight");
    }
    if (c.queued.size() >= max_queued) {
        throw make_error(core::Status::ERR_OVERFLOW, std::to_string(max_queued) + " messages are already queued");
    }
    core::Effects fx;
    std::string id;
    check(engine_.send(procid, m, fx, &id), "send");
    if (m.body.cls != core::Class::NOTICE) c.outstanding.insert(id);
    auto body = std::make_shared<core::MessageBody>(std::move(m.body));
    body->id = id;
    body->sender = procid;
    core::MessageView sent{std::move(body), m.header};
    sent.header.state = core::State::SENT;
    monitor_event("sent", &sent, procid, {});
    if (before_effects) before_effects(id);
    apply(fx);
    return id;
}

// ---------------------------------------------------------------------------------------------
// Effects

void Service::apply(core::Effects& fx) {
    for (std::size_t i = 0; i < fx.size(); ++i) {
        core::Effect effect = std::move(fx[i]);
        if (auto* d = std::get_if<core::Delivery>(&effect)) {
            Connection* c = connections_.owner(d->procid);
            if (c == nullptr) continue;
            monitor_event("delivered", &d->message, d->procid, {{"delivery", sdbus::Variant(static_cast<std::uint32_t>(d->kind))}});
            if (d->procid == c->call_procid) continue;  // the one-call procid handles nothing
            const DeliveryKeys keys{d->pattern, static_cast<std::uint32_t>(d->kind), d->start_message};
            auto signal = getObject().createSignal(procid_interface, "Delivered");
            signal << d->procid;
            write_message(signal, d->message, &keys);
            signal.setDestination(c->name);
            getObject().emitSignal(signal);
        } else if (auto* u = std::get_if<core::Update>(&effect)) {
            Connection* c = connections_.owner(u->procid);
            if (c == nullptr) continue;
            monitor_event("updated", &u->message, u->procid, {});
            const bool final = is_final(u->message.header.state);
            if (final) c->outstanding.erase(u->message->id);
            if (u->procid == c->call_procid) {
                auto call = c->calls.find(u->message->id);
                if (!final || call == c->calls.end()) continue;
                const auto& h = u->message.header;
                if (h.state == core::State::FAILED) {
                    call->second.returnError(make_error(h.status, h.status_string.empty() ? "the request failed"
                                                                                          : h.status_string));
                } else {
                    call->second.returnResults(encode_message(u->message));
                }
                c->calls.erase(call);
                continue;
            }
            auto signal = getObject().createSignal(procid_interface, "Updated");
            signal << u->procid;
            write_message(signal, u->message, nullptr);
            signal.setDestination(c->name);
            getObject().emitSignal(signal);
        } else if (auto* s = std::get_if<core::StartPtype>(&effect)) {
            monitor_event("started", nullptr, {}, {{"ptype", sdbus::Variant(s->ptype)}, {"token", sdbus::Variant(s->token)}});
            log("starting ptype " + s->ptype + " (token " + s->token + ") with " + launcher_->kind());
            launcher_->start(*s);
        } else if (auto* q = std::get_if<core::Queued>(&effect)) {
            if (Connection* c = connections_.owner(q->message->sender)) c->queued.insert(q->message->id);
            if (std::string error; store_ && !store_->put(*q, &error)) log("cannot keep a queued message: " + error);
            monitor_event("queued", &q->message, q->message->sender, {{"ptype", sdbus::Variant(q->ptype)}});
        } else if (auto* dq = std::get_if<core::Dequeued>(&effect)) {
            connections_.for_each([&](Connection& c) { c.queued.erase(dq->message_id); });
            if (std::string error; store_ && !store_->remove(*dq, &error)) log("cannot forget a queued message: " + error);
            monitor_event("dequeued", nullptr, {}, {{"id", sdbus::Variant(dq->message_id)}, {"ptype", sdbus::Variant(dq->ptype)}});
        }
    }
    fx.clear();
}

void Service::monitor_event(const std::string& kind, const core::MessageView* message, const std::string& procid,
                            Dict extra) {
    std::vector<const Connection*> watchers;
    connections_.for_each([&](Connection& c) {
        if (!c.monitor) return;
        const MonitorFilter& f = *c.monitor;
        if (!f.session.empty() && (message == nullptr || (*message)->session != f.session)) return;
        if (!f.op.empty() && (message == nullptr || (*message)->op != f.op)) return;
        if (!f.procid.empty() && procid != f.procid && (message == nullptr || (*message)->sender != f.procid)) return;
        watchers.push_back(&c);
    });
    if (watchers.empty()) return;
    Dict details = message ? encode_message(*message) : Dict{};
    for (auto& [k, v] : extra) details[k] = v;
    if (!procid.empty()) details["procid"] = sdbus::Variant(procid);
    for (const Connection* c : watchers) {
        auto signal = getObject().createSignal(monitor_interface, "Event");
        signal << kind << details;
        signal.setDestination(c->name);
        getObject().emitSignal(signal);
    }
}

// A client left the bus: its procids die (requests they handled fail, send-on-exit messages go
// out), the sessions it created end.
void Service::connection_gone(const std::string& name) {
    std::unique_ptr<Connection> c = connections_.remove(name);
    if (!c) return;
    core::Effects fx;
    for (const auto& procid : c->procids) engine_.close(procid, core::CloseReason::DIED, fx);
    for (const auto& session : c->sessions) engine_.session_destroy(session, fx);
    apply(fx);
}

std::pair<std::uint32_t, std::uint32_t> Service::reload_types() {
    std::string problems;
    auto types = options_.load_types ? options_.load_types(problems) : core::TypeDb::build({}, {});
    if (!problems.empty()) log(problems);
    engine_.set_types(types);
    return {static_cast<std::uint32_t>(engine_.types().ptypes().size()),
            static_cast<std::uint32_t>(engine_.types().otypes().size())};
}

void Service::reap_children() { launcher_->reap(); }

// A launch is over: it never started, or its process exited. The engine fails what still waited
// for it (and ignores it when the started process already took its start message).
void Service::launch_ended(const std::string& token, const std::string& reason) {
    core::Effects fx;
    if (engine_.launch_ended(token, fx) == core::Status::OK && !fx.empty()) {
        log("launch " + token + " ended before its start message was taken: " + reason);
    }
    apply(fx);
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Broker1

void Service::Open(sdbus::Result<std::string, std::string>&& result, Dict options) {
    auto reply = std::make_shared<sdbus::Result<std::string, std::string>>(std::move(result));
    std::string session, token;
    try {
        only_keys(options, {"session", "token"});
        session = option<std::string>(options, "session", default_session_);
        token = option<std::string>(options, "token", "");
    } catch (const WireError& e) {
        reply->returnError(make_error(e.status, e.what()));
        return;
    }
    const std::string sender = caller();
    with_credentials(sender, [this, reply, sender, session, token](const Connection* conn, const sdbus::Error* error) {
        if (error != nullptr) return reply->returnError(*error);
        try {
            std::string procid = open_procid(sender, *conn, session, token);
            reply->returnResults(procid, session);
        } catch (const sdbus::Error& e) {
            reply->returnError(e);
        }
    });
}

void Service::Close(const std::string& procid) {
    own(procid);
    core::Effects fx;
    check(engine_.close(procid, core::CloseReason::CLOSED, fx), "close");
    connections_.disown(procid);
    apply(fx);
}

std::string Service::DefaultSession() { return default_session_; }

std::string Service::CreateSession() {
    std::string session = options_.session_prefix + std::to_string(next_session_++);
    check(engine_.session_create(session), "create session");
    connections_.get(caller()).sessions.push_back(session);
    return session;
}

std::vector<std::string> Service::Sessions() { return engine_.sessions(); }

std::vector<std::vector<std::uint8_t>> Service::SessionProperty(const std::string& session, const std::string& name) {
    std::vector<std::string> values;
    check(engine_.session_prop(session, name, &values), "session property " + name);
    std::vector<std::vector<std::uint8_t>> out;
    for (const auto& v : values) out.emplace_back(v.begin(), v.end());
    return out;
}

void Service::SetSessionProperty(const std::string& session, const std::string& name,
                                 const std::vector<std::uint8_t>& value, const std::uint32_t& mode) {
    if (mode > 1) throw make_error(core::Status::ERR_INVALID, "mode is 0 (set) or 1 (add)");
    check(engine_.session_prop_set(session, name, std::string(value.begin(), value.end()), mode == 1),
          "session property " + name);
}

std::vector<std::string> Service::SessionPropertyNames(const std::string& session) {
    std::vector<std::string> names;
    check(engine_.session_prop_names(session, &names), "session " + session);
    return names;
}

std::tuple<std::uint32_t, std::uint32_t> Service::ReloadTypes() {
    auto [p, o] = reload_types();
    return {p, o};
}

void Service::LoadTypes(const std::vector<std::uint8_t>& xdr) {
    if (!options_.merge_xdr) throw make_error(core::Status::ERR_UNIMP, "no type loader");
    std::shared_ptr<const core::TypeDb> types = engine_.types_snapshot();
    std::string error = options_.merge_xdr(std::string(xdr.begin(), xdr.end()), types);
    if (!error.empty()) throw make_error(core::Status::ERR_XDR, error);
    engine_.set_types(types);
}

void Service::PtypeExists(const std::string& ptype) { check(engine_.ptype_exists(ptype), "no ptype " + ptype); }

std::vector<std::string> Service::Ptypes() {
    std::vector<std::string> out;
    for (const auto& p : engine_.types().ptypes()) out.push_back(p.id);
    return out;
}

Dict Service::Otype(const std::string& otype) {
    const core::TypeDb& types = engine_.types();
    const core::Otype* o = types.find_otype(otype);
    if (o == nullptr) throw make_error(core::Status::ERR_OTYPE, "no otype " + otype);
    std::vector<std::string> derived;
    for (const auto& other : types.otypes()) {
        auto anc = types.ancestors(other.id);
        if (std::find(anc.begin(), anc.end(), otype) != anc.end()) derived.push_back(other.id);
    }
    using WireSig = sdbus::Struct<std::string, std::vector<sdbus::Struct<std::int32_t, std::string>>>;
    std::vector<WireSig> handle, observe;
    for (const auto& s : o->signatures) {
        std::vector<sdbus::Struct<std::int32_t, std::string>> args;
        for (const auto& a : s.args) args.emplace_back(static_cast<std::int32_t>(a.mode), a.vtype);
        (s.category == core::Category::OBSERVE ? observe : handle).emplace_back(s.op, args);
    }
    return {{"ancestors", sdbus::Variant(types.ancestors(otype))},
            {"parents", sdbus::Variant(o->parents)},
            {"derived", sdbus::Variant(derived)},
            {"handle", sdbus::Variant(handle)},
            {"observe", sdbus::Variant(observe)}};
}

Dict Service::ProcidInfo(const std::string& procid) {
    auto info = engine_.procid_info(procid);
    if (!info) throw make_error(core::Status::ERR_PROCID, "no procid " + procid);
    const Connection* c = connections_.owner(procid);
    return {{"procid", sdbus::Variant(info->id)},
            {"session", sdbus::Variant(info->session)},
            {"sessions", sdbus::Variant(info->sessions)},
            {"files", sdbus::Variant(info->files)},
            {"ptypes", sdbus::Variant(info->ptypes)},
            {"patterns", sdbus::Variant(info->patterns)},
            {"default_ptype", sdbus::Variant(info->default_ptype)},
            {"uid", sdbus::Variant(info->uid)},
            {"gid", sdbus::Variant(info->gid)},
            {"owner", sdbus::Variant(c ? c->name : std::string())}};
}

Dict Service::Status() {
    std::size_t patterns = 0;
    for (const auto& id : engine_.procids()) patterns += engine_.procid_info(id)->patterns.size();
    return {{"version", sdbus::Variant(options_.version)},
            {"procids", sdbus::Variant(static_cast<std::uint32_t>(engine_.procids().size()))},
            {"patterns", sdbus::Variant(static_cast<std::uint32_t>(patterns))},
            {"live_messages", sdbus::Variant(static_cast<std::uint32_t>(engine_.live_message_count()))},
            {"queued", sdbus::Variant(static_cast<std::uint32_t>(engine_.queued_count()))},
            {"sessions", sdbus::Variant(static_cast<std::uint32_t>(engine_.sessions().size()))},
            {"ptypes", sdbus::Variant(static_cast<std::uint32_t>(engine_.types().ptypes().size()))},
            {"otypes", sdbus::Variant(static_cast<std::uint32_t>(engine_.types().otypes().size()))},
            {"default_session", sdbus::Variant(default_session_)},
            {"launches", sdbus::Variant(static_cast<std::uint32_t>(launcher_->launches().size()))},
            {"launcher", sdbus::Variant(std::string(launcher_->kind()))}};
}

std::vector<Dict> Service::Procids() {
    std::vector<Dict> out;
    for (const auto& id : engine_.procids()) out.push_back(ProcidInfo(id));
    return out;
}

std::vector<Dict> Service::Patterns() {
    std::vector<Dict> out;
    for (const auto& procid : engine_.procids()) {
        const auto info = engine_.procid_info(procid);
        for (core::PatternId id : info->patterns) {
            Dict d = encode_pattern(*engine_.pattern(id));
            d["id"] = sdbus::Variant(id);
            d["procid"] = sdbus::Variant(procid);
            d["ptype"] = sdbus::Variant(engine_.pattern_ptype(id));
            out.push_back(std::move(d));
        }
    }
    return out;
}

std::vector<Dict> Service::Queue() {
    std::vector<Dict> out;
    for (const auto& q : engine_.queued()) {
        Dict d = encode_message(q.message);
        d["queue_scope"] = sdbus::Variant(static_cast<std::int32_t>(q.queue.scope));
        d["queue"] = sdbus::Variant(q.queue.name);
        d["queue_ptype"] = sdbus::Variant(q.ptype);
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<Dict> Service::Launches() {
    std::vector<Dict> out;
    for (const auto& l : launcher_->launches()) {
        out.push_back({{"token", sdbus::Variant(l.token)},
                       {"ptype", sdbus::Variant(l.ptype)},
                       {"unit", sdbus::Variant(l.unit)},
                       {"state", sdbus::Variant(l.state)},
                       {"pid", sdbus::Variant(static_cast<std::uint32_t>(l.pid))}});
    }
    return out;
}

// The one-call forms: fill in what a shell user leaves out, and send from the procid the broker
// keeps for the calling connection.
std::string Service::one_call(const std::string& sender, const Connection& conn, const Dict& message, core::Class cls,
                              const std::function<void(const std::string&)>& before_effects) {
    core::Message m = guarded([&] { return decode_message(message); });
    if (!message.count("class")) m.body.cls = cls;
    if (!message.count("address")) m.body.address = core::Address::PROCEDURE;
    if (!message.count("scope")) m.header.scope = core::Scope::SESSION;
    if (m.body.op.empty()) throw make_error(core::Status::ERR_OP, "a one-call message needs an op");
    if (m.body.cls != cls) {
        throw make_error(core::Status::ERR_CLASS, cls == core::Class::REQUEST ? "Call sends requests" : "Notify sends notices");
    }
    Connection& c = connections_.get(sender);
    if (c.call_procid.empty()) c.call_procid = open_procid(sender, conn, default_session_, "");
    return send_checked(c.call_procid, std::move(m), before_effects);
}

void Service::Call(sdbus::Result<Dict>&& result, Dict message) {
    auto reply = std::make_shared<sdbus::Result<Dict>>(std::move(result));
    const std::string sender = caller();
    with_credentials(sender, [this, reply, sender, message](const Connection* conn, const sdbus::Error* error) {
        if (error != nullptr) return reply->returnError(*error);
        try {
            one_call(sender, *conn, message, core::Class::REQUEST, [&](const std::string& id) {
                connections_.get(sender).calls.emplace(id, std::move(*reply));
            });
        } catch (const sdbus::Error& e) {
            reply->returnError(e);
        }
    });
}

void Service::Notify(sdbus::Result<std::string>&& result, Dict message) {
    auto reply = std::make_shared<sdbus::Result<std::string>>(std::move(result));
    const std::string sender = caller();
    with_credentials(sender, [this, reply, sender, message](const Connection* conn, const sdbus::Error* error) {
        if (error != nullptr) return reply->returnError(*error);
        try {
            reply->returnResults(one_call(sender, *conn, message, core::Class::NOTICE, {}));
        } catch (const sdbus::Error& e) {
            reply->returnError(e);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Procid1: ownership first, then the engine, then its effects.

void Service::SessionJoin(const std::string& procid, const std::string& session) {
    own(procid);
    core::Effects fx;
    check(engine_.session_join(procid, session, fx), "session " + session);
    apply(fx);
}

void Service::SessionQuit(const std::string& procid, const std::string& session) {
    own(procid);
    check(engine_.session_quit(procid, session), "session " + session);
}

void Service::FileJoin(const std::string& procid, const std::string& file) {
    own(procid);
    core::Effects fx;
    check(engine_.file_join(procid, file, fx), "file " + file);
    apply(fx);
}

void Service::FileQuit(const std::string& procid, const std::string& file) {
    own(procid);
    check(engine_.file_quit(procid, file), "file " + file);
}

void Service::PtypeDeclare(const std::string& procid, const std::string& ptype) {
    own(procid);
    Connection& c = *connections_.owner(procid);
    std::size_t before = engine_.procid_info(procid)->patterns.size();
    core::Effects fx;
    check(engine_.ptype_declare(procid, ptype, fx), "ptype " + ptype);
    c.patterns += engine_.procid_info(procid)->patterns.size() - before;
    apply(fx);
}

void Service::PtypeUndeclare(const std::string& procid, const std::string& ptype) {
    own(procid);
    Connection& c = *connections_.owner(procid);
    std::size_t before = engine_.procid_info(procid)->patterns.size();
    check(engine_.ptype_undeclare(procid, ptype), "ptype " + ptype);
    c.patterns -= before - engine_.procid_info(procid)->patterns.size();
}

void Service::DefaultPtypeSet(const std::string& procid, const std::string& ptype) {
    own(procid);
    check(engine_.default_ptype_set(procid, ptype), "ptype " + ptype);
}

std::uint64_t Service::PatternRegister(const std::string& procid, const Dict& pattern) {
    own(procid);
    Connection& c = *connections_.owner(procid);
    if (c.patterns >= max_patterns) {
        throw make_error(core::Status::ERR_OVERFLOW, "a connection may register " + std::to_string(max_patterns) + " patterns");
    }
    core::Pattern p = guarded([&] { return decode_pattern(pattern); });
    core::PatternId id = 0;
    check(engine_.pattern_register(procid, p, &id), "pattern");
    ++c.patterns;
    return id;
}

void Service::PatternUnregister(const std::string& procid, const std::uint64_t& id) {
    own(procid);
    check(engine_.pattern_unregister(procid, id), "pattern " + std::to_string(id));
    --connections_.owner(procid)->patterns;
}

void Service::ContextJoin(const std::string& procid, const std::string& slot, const WireValue& value) {
    own(procid);
    core::Value v = guarded([&] { return decode_value(value); });
    check(engine_.context_join(procid, slot, v), "context " + slot);
}

void Service::ContextQuit(const std::string& procid, const std::string& slot, const WireValue& value) {
    own(procid);
    core::Value v = guarded([&] { return decode_value(value); });
    check(engine_.context_quit(procid, slot, v), "context " + slot);
}

std::string Service::Send(const std::string& procid, const Dict& message) {
    own(procid);
    core::Message m = guarded([&] { return decode_message(message); });
    return send_checked(procid, std::move(m), {});
}

void Service::SendOnExit(const std::string& procid, const Dict& message) {
    own(procid);
    core::Message m = guarded([&] { return decode_message(message); });
    check(engine_.send_on_exit(procid, m), "send on exit");
}

void Service::Reply(const std::string& procid, const std::string& id, const Dict& answer) {
    own(procid);
    core::Answer a = guarded([&] { return decode_answer(answer); });
    core::Effects fx;
    check(engine_.reply(procid, id, a, fx), "reply to " + id);
    apply(fx);
}

void Service::Fail(const std::string& procid, const std::string& id, const Dict& answer) {
    own(procid);
    core::Answer a = guarded([&] { return decode_answer(answer); });
    core::Effects fx;
    check(engine_.fail(procid, id, a, fx), "fail " + id);
    apply(fx);
}

void Service::Reject(const std::string& procid, const std::string& id) {
    own(procid);
    core::Effects fx;
    check(engine_.reject(procid, id, fx), "reject " + id);
    apply(fx);
}

void Service::Accept(const std::string& procid, const std::string& id) {
    own(procid);
    core::Effects fx;
    check(engine_.accept(procid, id, fx), "accept " + id);
    apply(fx);
}

void Service::Abstain(const std::string& procid, const std::string& id) {
    own(procid);
    core::Effects fx;
    check(engine_.abstain(procid, id, fx), "abstain " + id);
    apply(fx);
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Monitor1

// The monitor sees every message: only connections of the broker's own user may have one.
void Service::Subscribe(sdbus::Result<>&& result, Dict filter) {
    auto reply = std::make_shared<sdbus::Result<>>(std::move(result));
    MonitorFilter f;
    try {
        only_keys(filter, {"session", "op", "procid"});
        f = MonitorFilter{option<std::string>(filter, "session", ""), option<std::string>(filter, "op", ""),
                          option<std::string>(filter, "procid", "")};
    } catch (const WireError& e) {
        return reply->returnError(make_error(e.status, e.what()));
    }
    const std::string sender = caller();
    with_credentials(sender, [this, reply, sender, f](const Connection* conn, const sdbus::Error* error) {
        if (error != nullptr) return reply->returnError(*error);
        if (conn->uid != options_.broker_uid) {
            return reply->returnError(make_error(core::Status::ERR_ACCESS, "the monitor is for the broker's user only"));
        }
        connections_.get(sender).monitor = f;
        reply->returnResults();
    });
}

void Service::Unsubscribe() {
    if (Connection* c = connections_.find(caller())) c->monitor.reset();
}

}  // namespace ttbus::dbus
