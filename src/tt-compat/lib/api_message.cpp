// The message lifecycle: create, destroy, send, receive (with the classic callback order),
// reply/reject/accept/fail, callbacks and user data.
#include "client.h"
#include "specs.h"
#include "status.h"
#include "storage.h"
#include "trace.h"
#include "wire.h"

#include "protocol/send_form.h"

#include <algorithm>

using namespace ttc;
using protocol::Class;
using protocol::State;

namespace {

// The procid that acts on a message: the one it was delivered to, else the one that created it.
Procid* acting_procid(const Message& m) {
    Client* c = client();
    Procid* p = c->find_procid(m.recipient.empty() ? m.w.body.sender : m.recipient);
    return p;
}

Tt_status send_form(const protocol::Message& w) {
    const protocol::SendForm form{w.body.cls,           w.body.address,        w.header.scope,
                                  w.header.disposition, w.header.state,        !w.header.handler.empty(),
                                  !w.body.file.empty(), !w.body.object.empty(), !w.body.otype.empty()};
    return static_cast<Tt_status>(protocol::check_send_form(form));
}

// An offer delivered here for a vote (not one observed, nor one of our own).
bool for_vote(const Message& m) {
    return m.w.body.cls == Class::OFFER && m.delivery.delivery == static_cast<std::uint32_t>(protocol::Delivery::vote);
}

// Whether the message was delivered here to be answered: a request to handle, an offer for a vote.
bool held(const Message& m) {
    return for_vote(m) || (m.w.body.cls == Class::REQUEST && !m.recipient.empty() && m.w.header.handler == m.recipient);
}

// Tells the broker this procid's answer. On a compact link of version 3 the answer to a message
// held here and not voted on goes one-way: the checks before it (may_answer, or a vote's own) gave
// every status the broker would give, so its reply would say nothing more. What the broker still
// refuses (a race) it logs.
Tt_status act(Message& m, const char* member, bool with_answer) {
    Procid* p = acting_procid(m);
    if (p == nullptr) return TT_ERR_PROCID;
    // Two words each: the std::function holds them without an allocation.
    const protocol::Message* w = &m.w;
    const bool compact = p->compact();
    const auto build = [w, with_answer, compact](sd_bus_message* bm) {
        int r = sd_bus_message_append_basic(bm, SD_BUS_TYPE_STRING, w->body.id.c_str());
        return (r >= 0 && with_answer) ? append_answer(bm, *w, compact) : r;
    };
    Connection::Build packed;
    if (with_answer) packed = [p, w](sd_bus_message* bm) { return append_packed_answer(bm, p->id, *w); };
    return p->one_way_answers() && held(m) && !m.voted ? p->post(member, build, packed)
                                                       : p->call(member, build, nullptr, packed);
}

// The checks of an answer in the classic order (facts §5.8; classic libtt made the first ones
// itself before asking the server, the broker makes them all again): a start message not held
// here may be answered whatever it is (the broker judges it); otherwise a reply or a failure needs
// a request (a rejection also takes an offer: it is a vote), only its handler may answer a
// request, a message held here and answered already is in the wrong state, and a reply or a
// failure must carry the args the message was delivered with. What is left for the broker is an
// offer this procid only observed (TT_ERR_NOTHANDLER while it lives, TT_ERR_STATE after).
Tt_status may_answer(const Message& m, bool offers, bool with_answer) {
    const bool mine = held(m);
    if (m.delivery.start_message && !mine) return TT_OK;
    const Class cls = m.w.body.cls;
    if (cls != Class::REQUEST && !(offers && cls == Class::OFFER)) return TT_ERR_CLASS;
    if (cls == Class::REQUEST && !mine) return TT_ERR_NOTHANDLER;
    if (!mine) return TT_OK;
    const State s = m.w.header.state;
    if (m.voted || (s != State::SENT && s != State::STARTED)) return TT_ERR_STATE;
    if (with_answer && m.w.body.args.size() != m.delivered_args) return TT_ERR_NUM;
    return TT_OK;
}

// Reply (TT_HANDLED), fail (TT_FAILED) or reject (TT_REJECTED) a message received here.
Tt_status conclude(Tt_message h, const char* member, State state) {
    Message* m = nullptr;
    const bool with_answer = state != State::REJECTED;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK) s = may_answer(*m, !with_answer, with_answer);
    if (s == TT_OK) s = act(*m, member, with_answer);
    if (s == TT_OK && (m = client()->messages.find(h)) != nullptr) {
        m->w.header.state = state;
        m->delivery.start_message = false;
        m->voted = m->voted || state == State::REJECTED;
    }
    return s;
}

bool final_state(State s) {
    return s == State::HANDLED || s == State::FAILED || s == State::RETURNED;
}

// An offer delivered for a vote and not voted on counts as an abstention (destroyed, or
// followed by the next receive).
void abstain_if_unvoted(Message& m) {
    if (!for_vote(m) || m.voted || m.recipient.empty()) return;
    if (act(m, "Abstain", false) == TT_OK) m.w.header.state = State::ABSTAINED;
    m.voted = true;
}

// Runs callbacks newest first; true when one processed the message or it no longer exists.
bool run(const std::vector<Tt_message_callback>& callbacks, Tt_message h, Tt_pattern pattern) {
    for (auto it = callbacks.rbegin(); it != callbacks.rend(); ++it) {
        Tt_callback_action a = (*it)(h, pattern);
        if (client() == nullptr || client()->messages.find(h) == nullptr) return true;
        if (a == TT_CALLBACK_PROCESSED) return true;
    }
    return false;
}

// The classic order (facts §5.10): the message's callbacks, the matched pattern's, then the
// opnum callbacks of the handler ptype and of the otype.
bool callbacks_took(Tt_message h, bool update) {
    Client* c = client();
    const Message* m = c->messages.find(h);
    Tt_pattern pattern = c->pattern_by_id(m->delivery.pattern);
    if (run(std::vector<Tt_message_callback>(m->callbacks), h, pattern)) return true;
    if (const Pattern* p = c->patterns.find(pattern)) {
        if (run(std::vector<Tt_message_callback>(p->callbacks), h, pattern)) return true;
    }
    c = client();
    m = c->messages.find(h);
    if (update || m->w.header.opnum == -1) return false;
    const CallbackKey by_ptype{m->w.header.handler_ptype, m->w.header.opnum};
    const CallbackKey by_otype{m->w.body.otype, m->w.header.opnum};
    if (auto it = c->ptype_callbacks.find(by_ptype); it != c->ptype_callbacks.end()) {
        if (run(std::vector<Tt_message_callback>(it->second), h, pattern)) return true;
    }
    c = client();
    if (auto it = c->otype_callbacks.find(by_otype); it != c->otype_callbacks.end()) {
        if (run(std::vector<Tt_message_callback>(it->second), h, pattern)) return true;
    }
    return false;
}

}  // namespace

extern "C" {

Tt_message tt_message_create(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_handle<Tt_message>("tt_message_create", s);
    Client* c = client();
    const Procid& p = *c->current;
    auto m = std::make_unique<Message>();
    m->w.body.id = new_message_id(p.id);
    m->w.body.sender = p.id;
    m->w.body.session = c->default_session;
    m->w.body.file = c->default_file;
    m->w.body.sender_ptype = p.default_ptype;
    m->w.body.uid = p.uid;  // no system call per message
    m->w.body.gid = p.gid;
    return c->add_message(std::move(m));
}

Tt_message tt_message_create_super(Tt_message h) {
    Message* orig = nullptr;
    if (Tt_status s = need_message(h, &orig); s != TT_OK) {
        return report_handle<Tt_message>("tt_message_create_super", s);
    }
    Client* c = client();
    auto m = std::make_unique<Message>();
    m->w = orig->w;
    m->delivery = orig->delivery;
    m->w.body.id = new_message_id(c->current->id);
    m->w.body.sender = c->current->id;
    m->w.header.state = State::CREATED;
    m->w.header.handler.clear();
    m->w.header.status = 0;
    m->w.header.status_string.clear();
    m->w.body.super = true;
    return c->add_message(std::move(m));
}

// Destroying a request or offer still waiting for its final state is allowed (TT_OK, as classic
// libtt did), and as in classic libtt its callbacks still run for the updates that come, up to
// the final one: the handle stays valid until then. tt_message_receive returns 0 for those
// updates (the program gave the message up); after the final state's callbacks the handle is
// freed (docs/behaviour.md).
Tt_status tt_message_destroy(Tt_message h) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return report("tt_message_destroy", s);
    abstain_if_unvoted(*m);
    if (m->sent && m->w.body.cls != Class::NOTICE && !final_state(m->w.header.state)) {
        m->destroyed = true;
    } else {
        client()->remove_message(h);
    }
    return TT_OK;
}

// Sent one-way once the message passes the checks that need nothing but the message (as classic
// libtt sent session messages): what only the broker can judge comes back as a failed update.
Tt_status tt_message_send(Tt_message h) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK && m->sent) s = TT_ERR_STATE;
    if (s == TT_OK) s = send_form(m->w);
    if (s == TT_OK && m->w.body.address == protocol::Address::OBJECT) s = spec_known(m->w.body.object);
    Procid* p = s == TT_OK ? client()->find_procid(m->w.body.sender) : nullptr;
    if (s == TT_OK && p == nullptr) s = TT_ERR_PROCID;
    if (s != TT_OK) return report("tt_message_send", s);
    // Registered before sending: the broker's updates and a copy for this process find the handle.
    p->sent[m->w.body.id] = h;
    s = p->post(
        "Send", [&](sd_bus_message* bm) { return append_message(bm, m->w, p->compact()); },
        [&](sd_bus_message* bm) { return append_packed_message(bm, p->id, m->w); });
    if (s != TT_OK) {
        p->sent.erase(m->w.body.id);
        return report("tt_message_send", s);
    }
    m->sent = true;
    m->w.header.state = State::SENT;
    trace_message("tt_message_send", m->w);
    return TT_OK;
}

Tt_status tt_message_send_on_exit(Tt_message h) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK && m->w.header.state != State::CREATED) s = TT_ERR_STATE;
    Procid* p = s == TT_OK ? client()->find_procid(m->w.body.sender) : nullptr;
    if (s == TT_OK && p == nullptr) s = TT_ERR_PROCID;
    if (s == TT_OK) s = p->call("SendOnExit", [&](sd_bus_message* bm) { return append_message(bm, m->w, p->compact()); });
    return report("tt_message_send_on_exit", s);
}

Tt_message tt_message_receive(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_handle<Tt_message>("tt_message_receive", s);
    Client* c = client();
    if (Message* offer = c->messages.find(c->unvoted_offer)) abstain_if_unvoted(*offer);
    c->unvoted_offer = nullptr;
    Procid* p = c->current;
    // Reads only while nothing waits: what arrived after it keeps fd() readable.
    if (!p->bus->pump([p] { return p->queue.empty(); }) && p->queue.empty()) {
        return report_handle<Tt_message>("tt_message_receive", TT_ERR_NOMP);
    }
    if (p->queue.empty()) return nullptr;
    // Moved straight from the queue into its handle.
    Pending& next = p->queue.front();
    const bool update = next.update;
    Tt_message h = next.target;
    Message* m = h != nullptr ? c->messages.find(h) : nullptr;
    // A copy of a message the program destroyed, delivered to this process: a message of its own.
    if (m != nullptr && !update && m->destroyed) m = nullptr;
    if (m == nullptr) {
        auto fresh = std::make_unique<Message>();
        m = fresh.get();
        h = c->add_message(std::move(fresh));
    }
    if (next.changes && h == next.target) {
        protocol::compact::apply(*next.changes, m->w);  // a compact update: what changed
    } else {
        m->w = std::move(next.data);
    }
    m->delivery = next.delivery;
    if (!update) {
        m->recipient = p->id;
        m->delivered_args = m->w.body.args.size();
    }
    p->queue.pop_front();
    p->sync_fd();

    if (!update && for_vote(*m)) c->unvoted_offer = h;
    trace_message("tt_message_receive", m->w);
    const bool taken = callbacks_took(h, update);
    // A destroyed message had only its callbacks left; after its final state it is gone.
    c = client();
    m = c != nullptr ? c->messages.find(h) : nullptr;
    if (m != nullptr && m->destroyed) {
        if (final_state(m->w.header.state)) c->remove_message(h);
        return nullptr;
    }
    return taken ? nullptr : h;
}

Tt_status tt_message_reply(Tt_message h) {
    return report("tt_message_reply", conclude(h, "Reply", State::HANDLED));
}

Tt_status tt_message_fail(Tt_message h) {
    return report("tt_message_fail", conclude(h, "Fail", State::FAILED));
}

Tt_status tt_message_reject(Tt_message h) {
    return report("tt_message_reject", conclude(h, "Reject", State::REJECTED));
}

// For an offer a vote; for a start message it lets the broker deliver the ptype's other
// messages; for anything else a local no-op (as classic: the broker refuses an id it no longer
// knows, which a notice or an answered request is).
Tt_status tt_message_accept(Tt_message h) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK && (m->w.body.cls == Class::OFFER || m->delivery.start_message)) s = act(*m, "Accept", false);
    if (s == TT_OK && (m = client()->messages.find(h)) != nullptr && m->w.body.cls == Class::OFFER &&
        !m->recipient.empty()) {
        m->w.header.state = State::ACCEPTED;
        m->voted = true;
    }
    return report("tt_message_accept", s);
}

Tt_pattern tt_message_pattern(Tt_message h) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return report_handle<Tt_pattern>("tt_message_pattern", s);
    return client()->pattern_by_id(m->delivery.pattern);
}

Tt_status tt_message_callback_add(Tt_message h, Tt_message_callback f) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK && f == nullptr) s = TT_ERR_POINTER;
    if (s == TT_OK) m->callbacks.push_back(f);
    return report("tt_message_callback_add", s);
}

void* tt_message_user(Tt_message h, int key) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return report_ptr("tt_message_user", s);
    auto it = m->user.find(key);
    return it == m->user.end() ? nullptr : it->second;
}

Tt_status tt_message_user_set(Tt_message h, int key, void* v) {
    Message* m = nullptr;
    Tt_status s = need_message(h, &m);
    if (s == TT_OK) m->user[key] = v;
    return report("tt_message_user_set", s);
}

}  // extern "C"
