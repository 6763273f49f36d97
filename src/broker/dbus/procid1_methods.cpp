// The handlers of org.ttbus.Procid1: the engine, then its effects (the generated entries have
// read the arguments and checked ownership); and the send path every message takes.
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
void Service::one_way_send_failed(const MethodCall& call, const Connection* owner, const std::string& procid,
                                  const core::Message& m, const Failure& f) {
    if (owner == nullptr || !client_id(m.body.id, procid) ||
        (m.body.cls != core::Class::REQUEST && m.body.cls != core::Class::OFFER)) {
        log::notice("one-way Send from " + std::string(call.who.name) + " for " + procid +
            " failed: " + error_message(f.status, f.what()), {.procid = procid});
        return;
    }
    auto body = std::make_shared<core::MessageBody>(m.body);
    body->sender = procid;
    body->uid = owner->uid;
    body->gid = owner->gid;
    core::MessageView failed{std::move(body), m.header};
    failed.header.state = core::State::FAILED;
    failed.header.status = f.status;
    monitor_event("updated", &failed, procid, [](Writer&) {});
    emit_update(*owner, procid, failed);
}

// libtt on a compact link of version 3 answers one-way what it holds, once it found locally every
// status the broker would give (facts §5.8): what the broker still refuses is a race (the message
// ended meanwhile) or a client that did not check. Nobody waits for a reply, so it is logged, and
// the refusal changes nothing.
void Service::one_way_answer_refused(const MethodCall& call, const Connection*, const std::string& procid,
                                     const std::string& id, const Failure& f) {
    log::warning("one-way " + std::string(sd_bus_message_get_member(call.message)) + " from " +
                     std::string(call.who.name) + " for procid " + procid + " refused, message " + id + ": " +
                     error_message(f.status, f.what()),
                 {.message = id, .procid = procid});
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Procid1: the engine, then its effects. The generated entries have read the arguments
// and checked that the procid is the caller's (`owner`).

void Service::SessionJoin(Connection&, const std::string& procid, const std::string& session) {
    core::Effects fx;
    check(engine_.session_join(procid, session, fx), "session " + session);
    apply(fx);
}

void Service::SessionQuit(Connection&, const std::string& procid, const std::string& session) {
    check(engine_.session_quit(procid, session), "session " + session);
}

void Service::FileJoin(Connection&, const std::string& procid, const std::string& file) {
    core::Effects fx;
    check(engine_.file_join(procid, file, fx), "file " + file);
    apply(fx);
}

void Service::FileQuit(Connection&, const std::string& procid, const std::string& file) {
    check(engine_.file_quit(procid, file), "file " + file);
}

void Service::PtypeDeclare(Connection&, const std::string& procid, const std::string& ptype) {
    core::Effects fx;
    check(engine_.ptype_declare(procid, ptype, fx), "ptype " + ptype);
    apply(fx);
}

void Service::PtypeUndeclare(Connection&, const std::string& procid, const std::string& ptype) {
    check(engine_.ptype_undeclare(procid, ptype), "ptype " + ptype);
}

void Service::DefaultPtypeSet(Connection&, const std::string& procid, const std::string& ptype) {
    check(engine_.default_ptype_set(procid, ptype), "ptype " + ptype);
}

std::uint64_t Service::PatternRegister(Connection&, const std::string& procid, core::Pattern& pattern) {
    core::PatternId id = 0;
    check(engine_.pattern_register(procid, pattern, &id), "pattern");
    return id;
}

void Service::PatternUnregister(Connection&, const std::string& procid, std::uint64_t id) {
    check(engine_.pattern_unregister(procid, id), "pattern " + std::to_string(id));
}

void Service::ContextJoin(Connection&, const std::string& procid, const std::string& slot, const core::Value& value) {
    check(engine_.context_join(procid, slot, value), "context " + slot);
}

void Service::ContextQuit(Connection&, const std::string& procid, const std::string& slot, const core::Value& value) {
    check(engine_.context_quit(procid, slot, value), "context " + slot);
}

// The hot path of a sender. One-way (no reply expected) is the same call; only its failure is told
// differently (one_way_send_failed).
std::string Service::Send(Connection&, const std::string& procid, core::Message& message) {
    return send_checked(procid, message, {});
}

void Service::SendOnExit(Connection&, const std::string& procid, core::Message& message) {
    check_client_id(message.body.id, procid);
    check(engine_.send_on_exit(procid, message), "send on exit");
}

void Service::answer(const std::string& procid, const std::string& id, const core::Answer& a,
                     core::Status (core::Engine::*event)(const std::string&, const std::string&, const core::Answer&,
                                                         core::Effects&),
                     const char* what) {
    core::Effects fx;
    check((engine_.*event)(procid, id, a, fx), what, id);
    apply(fx);
}

void Service::Reply(Connection&, const std::string& procid, const std::string& id, core::Answer& a) {
    answer(procid, id, a, &core::Engine::reply, "reply to");
}

void Service::Fail(Connection&, const std::string& procid, const std::string& id, core::Answer& a) {
    answer(procid, id, a, &core::Engine::fail, "fail");
}

void Service::conclude(const std::string& procid, const std::string& id,
                       core::Status (core::Engine::*event)(const std::string&, const std::string&, core::Effects&),
                       const char* what) {
    core::Effects fx;
    check((engine_.*event)(procid, id, fx), what, id);
    apply(fx);
}

void Service::Reject(Connection&, const std::string& procid, const std::string& id) {
    conclude(procid, id, &core::Engine::reject, "reject");
}

void Service::Accept(Connection&, const std::string& procid, const std::string& id) {
    conclude(procid, id, &core::Engine::accept, "accept");
}

void Service::Abstain(Connection&, const std::string& procid, const std::string& id) {
    conclude(procid, id, &core::Engine::abstain, "abstain");
}

std::vector<std::string> Service::Handling(Connection&, const std::string& procid) {
    std::vector<std::string> ids;
    check(engine_.handling(procid, &ids), "procid " + procid);
    return ids;
}

std::vector<std::string> Service::Voting(Connection&, const std::string& procid) {
    std::vector<std::string> ids;
    check(engine_.voting(procid, &ids), "procid " + procid);
    return ids;
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Peer1: the compact form of the peer link (docs/dbus-api.md "Peer link encoding"). The
// methods are Procid1's; only their arguments are read otherwise.

std::uint32_t Service::Compact(const MethodCall& call, std::uint32_t version) {
    Connection* c = connections_.find(call.who.name);
    if (c == nullptr) throw Failure(core::Status::ERR_NOMP, "no connection " + std::string(call.who.name));
    c->compact = static_cast<std::uint8_t>(std::min<std::uint32_t>(version, compact::link_version));
    return c->compact;
}

std::string Service::SendCompact(Connection&, const std::string& procid, CompactMessage& message) {
    return send_checked(procid, message, {});
}

void Service::SendOnExitCompact(Connection& owner, const std::string& procid, CompactMessage& message) {
    SendOnExit(owner, procid, message);
}

void Service::ReplyCompact(Connection& owner, const std::string& procid, const std::string& id, CompactAnswer& a) {
    Reply(owner, procid, id, a);
}

void Service::FailCompact(Connection& owner, const std::string& procid, const std::string& id, CompactAnswer& a) {
    Fail(owner, procid, id, a);
}

std::string Service::SendPacked(const MethodCall& call, PackedMessage& p) {
    Connection& owner = own(p.procid, call.who);
    p.owner = &owner;
    compact::read_message(p.part, p.message, Party::client);
    return SendCompact(owner, p.procid, p.message);
}

void Service::packed_answer(const MethodCall& call, PackedAnswer& p,
                            void (Service::*as)(Connection&, const std::string&, const std::string&, core::Answer&)) {
    Connection& owner = own(p.procid, call.who);
    p.owner = &owner;
    core::Answer a;
    compact::read_answer(p.part, a);
    (this->*as)(owner, p.procid, p.id, a);
}

void Service::ReplyPacked(const MethodCall& call, PackedAnswer& p) { packed_answer(call, p, &Service::Reply); }

void Service::FailPacked(const MethodCall& call, PackedAnswer& p) { packed_answer(call, p, &Service::Fail); }

}  // namespace ttbus::dbus
