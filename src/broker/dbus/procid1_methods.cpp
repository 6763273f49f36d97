// The handlers of org.ttbus.Procid1: ownership first, then the engine, then its effects; and the
// send path every message takes.
#include "service_parts.h"

namespace ttbus::dbus {

// Every send goes through here: the engine (which keeps the limits), the monitor, then the effects. `before_effects`
// runs once the id is known and before any effect is carried out (a one-call request must be
// waiting for its reply before the reply can be applied). The message is taken when it is sent,
// and left as it was when the send fails.
std::string Service::send_checked(const std::string& procid, core::Message& m,
                                  const std::function<void(const std::string&)>& before_effects) {
    check_client_id(m.body.id, procid);
    std::optional<core::Message> watched;
    if (connections_.monitors() > 0) watched = m;
    core::Effects fx;
    std::string id;
    check(engine_.send(procid, std::move(m), fx, &id), "send");
    if (watched) {
        auto body = std::make_shared<core::MessageBody>(std::move(watched->body));
        body->id = id;
        body->sender = procid;
        core::MessageView sent{std::move(body), watched->header};
        sent.header.state = core::State::SENT;
        monitor_event("sent", &sent, procid, [](Writer&) {});
    }
    if (before_effects) before_effects(id);
    apply(fx);
    return id;
}

// A one-way Send failed. Its sender may be waiting for the message it chose the id of: when the
// procid is the caller's and the message was read (as far as its id and class, a message over a
// size limit included), a request or offer with a client id comes back as an Updated in state
// TT_FAILED with the error's status. Anything else can only be logged.
void Service::one_way_send_failed(Connection* owner, const std::string& procid, const core::Message* m,
                                  const Failure& f) {
    if (owner == nullptr || m == nullptr || !client_id(m->body.id, procid) ||
        (m->body.cls != core::Class::REQUEST && m->body.cls != core::Class::OFFER)) {
        log::notice("one-way Send from " + (owner ? owner->name : std::string("a client")) + " for " + procid +
            " failed: " + error_message(f.status, f.what()), {.procid = procid});
        return;
    }
    auto body = std::make_shared<core::MessageBody>(m->body);
    body->sender = procid;
    body->uid = owner->uid;
    body->gid = owner->gid;
    core::MessageView failed{std::move(body), m->header};
    failed.header.state = core::State::FAILED;
    failed.header.status = f.status;
    monitor_event("updated", &failed, procid, [](Writer&) {});
    emit(*owner, procid_interface, "Updated", [&](Writer& w) {
        w.string(procid);
        write_message(w, failed, nullptr, Defaults::omit);
    });
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Procid1: ownership first, then the engine, then its effects.

int Service::SessionJoin(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string session = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check(engine_.session_join(procid, session, fx), "session " + session);
    apply(fx);
    return reply_empty(m);
}

int Service::SessionQuit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string session = read_string(m);
    own(procid, caller(m));
    check(engine_.session_quit(procid, session), "session " + session);
    return reply_empty(m);
}

int Service::FileJoin(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string file = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check(engine_.file_join(procid, file, fx), "file " + file);
    apply(fx);
    return reply_empty(m);
}

int Service::FileQuit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string file = read_string(m);
    own(procid, caller(m));
    check(engine_.file_quit(procid, file), "file " + file);
    return reply_empty(m);
}

int Service::PtypeDeclare(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string ptype = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check(engine_.ptype_declare(procid, ptype, fx), "ptype " + ptype);
    apply(fx);
    return reply_empty(m);
}

int Service::PtypeUndeclare(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string ptype = read_string(m);
    own(procid, caller(m));
    check(engine_.ptype_undeclare(procid, ptype), "ptype " + ptype);
    return reply_empty(m);
}

int Service::DefaultPtypeSet(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string ptype = read_string(m);
    own(procid, caller(m));
    check(engine_.default_ptype_set(procid, ptype), "ptype " + ptype);
    return reply_empty(m);
}

int Service::PatternRegister(sd_bus_message* m) {
    const std::string procid = read_string(m);
    own(procid, caller(m));
    core::Pattern p;
    read_pattern(m, p);
    core::PatternId id = 0;
    check(engine_.pattern_register(procid, p, &id), "pattern");
    return reply(m, [&](Writer& w) { w.uint64(id); });
}

int Service::PatternUnregister(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::uint64_t id = read_uint64(m);
    own(procid, caller(m));
    check(engine_.pattern_unregister(procid, id), "pattern " + std::to_string(id));
    return reply_empty(m);
}

int Service::ContextJoin(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string slot = read_string(m);
    own(procid, caller(m));
    core::Value v = read_value(m);
    check(engine_.context_join(procid, slot, v), "context " + slot);
    return reply_empty(m);
}

int Service::ContextQuit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string slot = read_string(m);
    own(procid, caller(m));
    core::Value v = read_value(m);
    check(engine_.context_quit(procid, slot, v), "context " + slot);
    return reply_empty(m);
}

// The hot path of a sender. One-way (no reply expected) is the same call; only its failure is told
// differently (one_way_send_failed).
int Service::Send(sd_bus_message* m) {
    const std::string procid = read_string(m);
    Connection* owner = nullptr;
    core::Message msg;
    try {
        owner = &own(procid, caller(m));
        read_message(m, msg);
        const std::string id = send_checked(procid, msg, {});
        return reply(m, [&](Writer& w) { w.string(id); });
    } catch (const Failure& f) {
        if (!sd_bus_message_get_expect_reply(m)) one_way_send_failed(owner, procid, &msg, f);
        throw;
    }
}

int Service::SendOnExit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    own(procid, caller(m));
    core::Message msg;
    read_message(m, msg);
    check_client_id(msg.body.id, procid);
    check(engine_.send_on_exit(procid, msg), "send on exit");
    return reply_empty(m);
}

void Service::answer(sd_bus_message* m,
                     core::Status (core::Engine::*event)(const std::string&, const std::string&, const core::Answer&,
                                                         core::Effects&),
                     const char* what) {
    const std::string procid = read_string(m);
    const std::string id = read_string(m);
    own(procid, caller(m));
    core::Answer a;
    read_answer(m, a);
    core::Effects fx;
    check((engine_.*event)(procid, id, a, fx), std::string(what) + " " + id);
    apply(fx);
}

int Service::Reply(sd_bus_message* m) {
    answer(m, &core::Engine::reply, "reply to");
    return reply_empty(m);
}

int Service::Fail(sd_bus_message* m) {
    answer(m, &core::Engine::fail, "fail");
    return reply_empty(m);
}

void Service::conclude(sd_bus_message* m,
                       core::Status (core::Engine::*event)(const std::string&, const std::string&, core::Effects&),
                       const char* what) {
    const std::string procid = read_string(m);
    const std::string id = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check((engine_.*event)(procid, id, fx), std::string(what) + " " + id);
    apply(fx);
}

int Service::Reject(sd_bus_message* m) {
    conclude(m, &core::Engine::reject, "reject");
    return reply_empty(m);
}

int Service::Accept(sd_bus_message* m) {
    conclude(m, &core::Engine::accept, "accept");
    return reply_empty(m);
}

int Service::Abstain(sd_bus_message* m) {
    conclude(m, &core::Engine::abstain, "abstain");
    return reply_empty(m);
}

int Service::Handling(sd_bus_message* m) {
    const std::string procid = read_string(m);
    own(procid, caller(m));
    std::vector<std::string> ids;
    check(engine_.handling(procid, &ids), "procid " + procid);
    return reply(m, [&](Writer& w) { w.strings(ids); });
}

}  // namespace ttbus::dbus
