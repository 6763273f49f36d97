// The engine, part two: sending (static signatures, observers and promises, the handler) and the
// message state machine (reply, fail, reject, accept, abstain).
#include "engine_state.h"

namespace ttbus::core {

// ---------------------------------------------------------------------------------------------
// Sending

Status Engine::check_message(const Message& m) const {
    const auto& b = m.body;
    const auto& h = m.header;
    const SendForm form{b.cls, b.address, h.scope, h.disposition, h.state,
                        !h.handler.empty(), !b.file.empty(), !b.object.empty(), !b.otype.empty()};
    if (Status s = check_send_form(form); s != Status::OK) return s;
    if (!b.id.empty() && live_.count(b.id) != 0) return Status::ERR_STATE;
    for (const auto& a : b.args) {
        if (!valid(a.mode)) return Status::ERR_MODE;
        if (a.vtype.empty()) return Status::ERR_VTYPE;
    }
    for (const auto& c : b.contexts) {
        if (c.slot.empty()) return Status::ERR_SLOTNAME;
    }
    if (!b.session.empty() && !session_exists(b.session)) return Status::ERR_SESSION;
    return Status::OK;
}

// What the sender's client may still make the engine keep: any send is refused while its queue
// entries are at their limit or the message's bytes do not fit (a notice may be queued too), a
// notice while its notices waiting behind launches, or all of them, are at their limit, a request
// or offer while its live messages, or all live messages, are.
Status Engine::check_quota(const ProcidState& sender, const Message& m) const {
    const Limits& limits = options_.limits;
    const Account& a = *sender.account;
    if (a.queued >= limits.queued || !fits(a, message_bytes(m.body))) return Status::ERR_OVERFLOW;
    if (m.body.cls == Class::NOTICE && (a.waiting >= limits.waiting || waiting_ >= limits.waiting_total)) {
        return Status::ERR_OVERFLOW;
    }
    if (m.body.cls != Class::NOTICE && (a.live >= limits.live || live_.size() >= limits.live_total)) {
        return Status::ERR_OVERFLOW;
    }
    return Status::OK;
}

void Engine::prepare(const ProcidState& sender, Message& m) {
    auto& b = m.body;
    auto& h = m.header;
    b.sender = sender.id;
    b.uid = sender.uid;
    b.gid = sender.gid;
    if (b.session.empty()) b.session = sender.session;
    if (b.sender_ptype.empty()) b.sender_ptype = sender.default_ptype;
    if (b.id.empty()) {
        // A client may have chosen an id of this form for a live message of its own: skip it.
        do {
            b.id = std::to_string(next_message_++) + " " + sender.id;
        } while (live_.count(b.id) != 0);
    }
    normalize_contexts(b.contexts);
    if (b.address != Address::HANDLER) h.handler.clear();
    h.state = State::SENT;
    h.accepters.clear();
    h.rejecters.clear();
    h.abstainers.clear();
}

Status Engine::send(const std::string& procid, const Message& message, Effects& out, std::string* ret_id) {
    ProcidState* sender = find_procid(procid);
    if (sender == nullptr) return Status::ERR_PROCID;
    if (Status s = check_message(message); s != Status::OK) return s;
    if (Status s = check_quota(*sender, message); s != Status::OK) return s;
    return send_checked(*sender, message, out, ret_id);
}

Status Engine::send(const std::string& procid, Message&& message, Effects& out, std::string* ret_id) {
    ProcidState* sender = find_procid(procid);
    if (sender == nullptr) return Status::ERR_PROCID;
    if (Status s = check_message(message); s != Status::OK) return s;
    if (Status s = check_quota(*sender, message); s != Status::OK) return s;
    return send_checked(*sender, std::move(message), out, ret_id);
}

Status Engine::address_object(MessageBody& body) const {
    if (body.address != Address::OBJECT || specs_ == nullptr) return Status::OK;
    std::optional<ObjectSpec> spec = specs_->object(body.object);
    if (!spec) return Status::ERR_OBJID;
    // A super message keeps the otype its sender was handling for (the parent is found from it).
    if (!body.super || body.otype.empty()) body.otype = spec->otype;
    // An object in a file: the message reaches processes joined to the file, as file scope does.
    if (body.file.empty()) body.file = spec->file;
    return Status::OK;
}

Status Engine::send_checked(const ProcidState& sender, Message m, Effects& out, std::string* ret_id) {
    if (Status s = address_object(m.body); s != Status::OK) return s;
    prepare(sender, m);
    if (ret_id != nullptr) *ret_id = m.body.id;

    std::vector<Promise> promises;
    Status stage1 = match_signatures(m.body, m.header, promises);
    LiveMessage* live = nullptr;
    if (m.body.cls != Class::NOTICE) {
        auto lm = std::make_unique<LiveMessage>();
        lm->body = std::make_shared<MessageBody>(std::move(m.body));
        lm->header = std::move(m.header);
        lm->account = sender.account;
        live = lm.get();
        keep_live(std::move(lm));
    }
    MessageView view = live ? live->view() : MessageView{std::make_shared<const MessageBody>(std::move(m.body)), m.header};
    if (stage1 != Status::OK) {
        fail_message(live, stage1, out);  // server-side failure: the sender learns by an update
        return Status::OK;
    }
    dispatch(live, std::move(view), promises, out);
    return Status::OK;
}

Status Engine::send_on_exit(const std::string& procid, const Message& message) {
    ProcidState* sender = find_procid(procid);
    if (sender == nullptr) return Status::ERR_PROCID;
    if (message.body.address != Address::PROCEDURE && message.body.address != Address::HANDLER) {
        return Status::ERR_ADDRESS;
    }
    if (message.header.scope != Scope::SESSION) return Status::ERR_SCOPE;
    if (Status s = check_message(message); s != Status::OK) return s;
    if (sender->account->on_exit >= options_.limits.on_exit) return Status::ERR_OVERFLOW;
    sender->on_exit.push_back(message);
    ++sender->account->on_exit;
    return Status::OK;
}

// Stage 1: static signatures stamp the handler ptype, opnum and disposition, and add observer promises.
Status Engine::match_signatures(MessageBody& body, MessageHeader& header, std::vector<Promise>& promises) const {
    if (body.address == Address::HANDLER) return Status::OK;
    std::vector<const Signature*> candidates;
    if (body.address == Address::OBJECT || body.address == Address::OTYPE) {
        if (types_->find_otype(body.otype) == nullptr) return Status::ERR_OTYPE;
        if (body.super) {
            // Address the implementation the otype's signature inherits from.
            std::string parent;
            for (const Signature* s : types_->otype_signatures(body.otype, body.op)) {
                if (signature_score(*s, body, header) > 0 && s->super_otype != body.otype) {
                    parent = s->super_otype;
                    break;
                }
            }
            if (parent.empty()) {
                auto anc = types_->ancestors(body.otype);
                if (anc.empty()) return Status::ERR_OTYPE;
                parent = anc.front();
            }
            body.otype = parent;
            body.super = false;
        }
        candidates = types_->otype_signatures(body.otype, body.op);
    } else {
        candidates = types_->ptype_signatures(body.op);
    }
    if (!header.handler_ptype.empty() && types_->find_ptype(header.handler_ptype) == nullptr) {
        return Status::ERR_PTYPE;
    }

    const Signature* best = nullptr;
    int best_rank = 0;
    int best_score = 0;
    for (const Signature* s : candidates) {
        if (!handler_category(s->category)) continue;
        if (!header.handler_ptype.empty() && s->ptype != header.handler_ptype) continue;
        int score = signature_score(*s, body, header);
        if (score == 0) continue;
        int rank = s->category == Category::HANDLE_PUSH ? 3 : s->category == Category::HANDLE_ROTATE ? 2 : 1;
        if (rank > best_rank || (rank == best_rank && score > best_score)) {
            best = s;
            best_rank = rank;
            best_score = score;
        }
    }
    if (best != nullptr) {
        header.opnum = best->opnum;
        header.handler_ptype = best->ptype;
        header.disposition = best->disposition;
        if (!best->otype.empty()) header.scope = best->scope;
    }
    for (const Signature* s : candidates) {
        if (s->category != Category::OBSERVE || signature_score(*s, body, header) == 0) continue;
        bool known = std::any_of(promises.begin(), promises.end(), [&](const Promise& p) { return p.ptype == s->ptype; });
        if (known) continue;  // one copy per observing ptype
        promises.push_back({s->ptype, s->opnum, s->disposition, s->otype.empty() ? header.scope : s->scope});
    }
    if (header.scope == Scope::NONE) return Status::ERR_SCOPE;
    return Status::OK;
}

// Stage 2: observer promises, observers, then the handler (or the voters of an offer).
void Engine::dispatch(LiveMessage* live, MessageView view, const std::vector<Promise>& promises, Effects& out) {
    for (const auto& p : promises) deliver_promise(view, p, out);
    if (view->address == Address::HANDLER) {
        // No pattern matching, so no observers: straight to the named procid.
        const std::string target = view.header.handler;
        const ProcidState* handler = find_procid(target);
        if (handler == nullptr || handler->closing) {  // a closing procid's on-exit messages cannot reach itself
            fail_message(live, Status::ERR_NO_MATCH, out);
            return;
        }
        PatternId matched = 0;
        int best = 0;
        patterns_.for_each_candidate(view->op, [&](PatternStore::Slot slot) {
            const PatternStore::Record& rp = patterns_[slot];
            if (*rp.owner != target || !handler_category(rp.category)) return;
            int s = patterns_.score(slot, *view, view.header);
            if (s > best) {
                best = s;
                matched = rp.id;
            }
        });
        deliver_to(target, live, view, matched, false, out);
        return;
    }
    if (view->cls == Class::OFFER) {
        if (deliver_votes(*live, out) == 0) no_handler(live, live->view(), out);
        return;
    }
    deliver_observers(view, false, out);
    deliver_handler(live, std::move(view), out);
}

void Engine::deliver_observers(const MessageView& view, bool include_handlers, Effects& out) {
    patterns_.for_each_candidate(view->op, [&](PatternStore::Slot slot) {
        const PatternStore::Record& rp = patterns_[slot];
        if (rp.static_observer()) return;  // they see only the promise copies made for their ptype
        if (rp.category != Category::OBSERVE && !(include_handlers && handler_category(rp.category))) return;
        if (patterns_.score(slot, *view, view.header) > 0) {
            out.push_back(Delivery{*rp.owner, view, rp.id, DeliveryKind::OBSERVE, false});
        }
    });
}

std::size_t Engine::deliver_votes(LiveMessage& live, Effects& out) {
    const MessageView view = live.view();
    std::size_t n = 0;
    patterns_.for_each_candidate(view->op, [&](PatternStore::Slot slot) {
        const PatternStore::Record& rp = patterns_[slot];
        if (rp.static_observer() || contains(live.tried, *rp.owner)) return;
        if (patterns_.score(slot, *view, view.header) == 0) return;
        out.push_back(Delivery{*rp.owner, view, rp.id, DeliveryKind::VOTE, false});
        live.voters.push_back(*rp.owner);
        ++n;
    });
    return n;
}

std::size_t Engine::deliver_static_observers(const MessageView& view, const std::string& ptype, Effects& out) {
    std::size_t n = 0;
    patterns_.for_each_candidate(view->op, [&](PatternStore::Slot slot) {
        const PatternStore::Record& rp = patterns_[slot];
        if (!rp.static_observer() || patterns_.ptype(slot) != ptype) return;
        if (patterns_.score(slot, *view, view.header) == 0) return;
        out.push_back(Delivery{*rp.owner, view, rp.id, DeliveryKind::OBSERVE, false});
        ++n;
    });
    return n;
}

void Engine::deliver_promise(const MessageView& view, const Promise& promise, Effects& out) {
    MessageView copy = view;
    copy.header.opnum = promise.opnum;
    copy.header.disposition = promise.disposition;
    copy.header.scope = promise.scope;
    if (deliver_static_observers(copy, promise.ptype, out) > 0) return;
    // Unfulfilled: the promise's own disposition applies, independently of the original.
    if (has(promise.disposition, Disposition::START)) {
        if (start(promise.ptype, Waiting{copy, promise.ptype, false}, out) == StartResult::STARTED) return;
    }
    if (has(promise.disposition, Disposition::QUEUE)) {
        bool by_file = promise.scope == Scope::FILE || promise.scope == Scope::BOTH;
        QueueKey key{by_file ? Scope::FILE : Scope::SESSION, by_file ? copy->file : copy->session};
        if (!key.name.empty()) enqueue(key, promise.ptype, Waiting{copy, promise.ptype, false}, out);
    }
}

PatternStore::Slot Engine::find_handler(const MessageView& view, const std::vector<std::string>& tried) {
    constexpr PatternStore::Slot none = PatternStore::npos;
    PatternStore::Slot best[3] = {none, none, none};  // HANDLE, ROTATE, PUSH
    int score[3] = {0, 0, 0};
    patterns_.for_each_candidate(view->op, [&](PatternStore::Slot slot) {
        const PatternStore::Record& rp = patterns_[slot];
        const Category c = rp.category;
        if (!handler_category(c) || contains(tried, *rp.owner)) return;
        int s = patterns_.score(slot, *view, view.header);
        if (s == 0) return;
        int k = c == Category::HANDLE_PUSH ? 2 : c == Category::HANDLE_ROTATE ? 1 : 0;
        bool better = s > score[k];
        if (s == score[k] && best[k] != none) {
            if (k == 2) better = rp.stamp > patterns_[best[k]].stamp;  // PUSH: the newest registration
            if (k == 1) better = rp.stamp < patterns_[best[k]].stamp;  // ROTATE: the least recently chosen
        }
        if (better) {  // HANDLE: the first one scanned keeps a tie
            best[k] = slot;
            score[k] = s;
        }
    });
    if (best[2] != none) return best[2];
    if (best[1] != none) {
        patterns_[best[1]].stamp = ++clock_;
        return best[1];
    }
    return best[0];
}

void Engine::deliver_handler(LiveMessage* live, MessageView view, Effects& out) {
    static const std::vector<std::string> none;
    const PatternStore::Slot slot = find_handler(view, live ? live->tried : none);
    if (slot != PatternStore::npos) {
        // While a started instance of the handler's ptype has not answered its start message, the
        // ptype is blocked (facts §"Ptype start queue"): the message waits with those that came
        // before the instance declared, whatever the order of its arrival and that declaration.
        if (const std::string_view ptype = patterns_.ptype(slot); !ptype.empty()) {
            auto launch = starts_.find(std::string(ptype));
            if (launch != starts_.end() && launch->second->active &&
                start(launch->first, Waiting{view, {}, false}, out) == StartResult::STARTED) {
                return;
            }
        }
        deliver_to(*patterns_[slot].owner, live, std::move(view), patterns_[slot].id, false, out);
    } else {
        no_handler(live, std::move(view), out);
    }
}

void Engine::deliver_to(const std::string& procid, LiveMessage* live, MessageView view, PatternId pattern,
                        bool start_message, Effects& out) {
    view.header.handler = procid;
    view.header.state = State::SENT;
    if (start_message) view.header.status = static_cast<std::int32_t>(Status::WRN_START_MESSAGE);
    if (live != nullptr) live->header = view.header;
    DeliveryKind kind = DeliveryKind::HANDLE;
    if (view->cls == Class::OFFER) {
        kind = DeliveryKind::VOTE;
        if (live != nullptr) live->voters.push_back(procid);
    }
    out.push_back(Delivery{procid, std::move(view), pattern, kind, start_message});
}

// No handler: START starts the handler ptype, QUEUE queues for it, otherwise requests fail and
// notices are dropped.
void Engine::no_handler(LiveMessage* live, MessageView view, Effects& out) {
    const MessageHeader& h = view.header;
    const bool start_flag = has(h.disposition, Disposition::START);
    const bool queue_flag = has(h.disposition, Disposition::QUEUE);
    if (view->cls == Class::NOTICE && !start_flag && !queue_flag) return;
    StartResult started = StartResult::ALREADY_TRIED;
    if (start_flag) {
        started = h.handler_ptype.empty() ? StartResult::IMPOSSIBLE
                                          : start(h.handler_ptype, Waiting{view, {}, false}, out);
        if (started == StartResult::STARTED) return;
    }
    if (queue_flag) {
        if (h.scope == Scope::FILE || h.scope == Scope::BOTH) {
            // Queueing file-scoped messages is not implemented in classic ToolTalk either.
            fail_message(live, Status::ERR_UNIMP, out);
            return;
        }
        if (!h.handler_ptype.empty()) {
            const std::string ptype = h.handler_ptype;
            const QueueKey key{Scope::SESSION, view->session};
            enqueue(key, ptype, Waiting{std::move(view), {}, false}, out);
            return;
        }
    }
    fail_message(live, started == StartResult::IMPOSSIBLE ? Status::ERR_PTYPE_START : Status::ERR_NO_MATCH,
                 out);
}

// ---------------------------------------------------------------------------------------------
// Message state

void Engine::notify_sender(const LiveMessage& live, Effects& out) {
    const ProcidState* sender = find_procid(live.body->sender);
    if (sender == nullptr || sender->closing) return;
    out.push_back(Update{sender->id, live.view()});
}

void Engine::finish(LiveMessage& live, State state, Effects& out) {
    live.header.state = state;
    notify_sender(live, out);
    // Observers that did not filter on state see the outcome too; for an offer that includes
    // the patterns that voted. A TT_HANDLER message is matched against no pattern, so none
    // sees its outcome either (facts §5.3).
    if (live.body->address != Address::HANDLER) deliver_observers(live.view(), live.body->cls == Class::OFFER, out);
    charge(*live.account, &Account::live, false, live.bytes);
    live_.erase(live.body->id);
}

void Engine::fail_message(LiveMessage* live, Status status, Effects& out) {
    if (live == nullptr) return;  // a notice: nobody to tell
    live->header.status = static_cast<std::int32_t>(status);
    finish(*live, live->body->cls == Class::OFFER ? State::RETURNED : State::FAILED, out);
}

void Engine::count_vote(LiveMessage& live, const std::string& procid, State vote, Effects& out) {
    auto it = std::find(live.voters.begin(), live.voters.end(), procid);
    if (it == live.voters.end()) return;
    live.voters.erase(it);
    auto& list = vote == State::ACCEPTED   ? live.header.accepters
                 : vote == State::REJECTED ? live.header.rejecters
                                           : live.header.abstainers;
    list.push_back(procid);
    if (live.voters.empty()) finish(live, State::RETURNED, out);
}

Status Engine::reply(const std::string& procid, const std::string& message_id, const Answer& answer, Effects& out) {
    return conclude(procid, message_id, answer, State::HANDLED, out);
}

Status Engine::fail(const std::string& procid, const std::string& message_id, const Answer& answer, Effects& out) {
    return conclude(procid, message_id, answer, State::FAILED, out);
}

// The handler-side checks in the classic order (facts §5.8): the class (reply and fail need a
// request, reject a request or an offer), then whether this procid holds the message (its
// handler, or a voter of an offer), then its state. An id the broker does not hold (a notice, an
// answered message) is judged by its state alone. A procid that rejected a request, or voted on
// an offer, held it once: for it the message is in the wrong state.
Status Engine::check_holder(const std::string& procid, const std::string& message_id, bool offers) const {
    auto it = live_.find(message_id);
    if (it == live_.end()) return Status::ERR_STATE;
    const LiveMessage& live = *it->second;
    const Class cls = live.body->cls;
    if (cls != Class::REQUEST && !(offers && cls == Class::OFFER)) return Status::ERR_CLASS;
    const MessageHeader& h = live.header;
    const bool held = cls == Class::OFFER ? contains(live.voters, procid) : h.handler == procid;
    if (held) return h.state == State::SENT || h.state == State::STARTED ? Status::OK : Status::ERR_STATE;
    const bool held_before = contains(live.tried, procid) || contains(h.accepters, procid) ||
                             contains(h.rejecters, procid) || contains(h.abstainers, procid);
    return held_before ? Status::ERR_STATE : Status::ERR_NOTHANDLER;
}

// The checks of an answer; *ret is the message to answer. A start message the procid holds may
// be answered whatever it is (a notice, an observer's promise copy): that only ends the launch,
// and *ret is null.
Status Engine::check_answer(const std::string& procid, const std::string& message_id, bool offers, Effects& out,
                            LiveMessage** ret) {
    *ret = nullptr;
    if (find_procid(procid) == nullptr) return Status::ERR_PROCID;
    Status s = check_holder(procid, message_id, offers);
    if (s == Status::OK) {
        *ret = live_.at(message_id).get();
    } else if (holds_start_message(procid, message_id)) {
        answer_start_message(procid, message_id, out);
        return Status::OK;
    }
    return s;
}

// Reply (HANDLED) or fail (FAILED) a request this procid handles: the OUT/INOUT values, status
// and status string go back to the sender and to the observers of the outcome.
Status Engine::conclude(const std::string& procid, const std::string& message_id, const Answer& answer, State state,
                        Effects& out) {
    LiveMessage* held = nullptr;
    Status s = check_answer(procid, message_id, false, out, &held);
    if (held == nullptr) return s;
    LiveMessage& live = *held;
    const bool start_message = holds_start_message(procid, message_id);
    if (!answer.args.empty()) {
        if (answer.args.size() != live.body->args.size()) return Status::ERR_NUM;
        // Copy on write: views handed out earlier (queued, waiting, not yet carried out) keep theirs.
        if (live.body.use_count() != 1) live.body = std::make_shared<MessageBody>(*live.body);
        auto& args = live.body->args;
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (is_out(args[i].mode)) args[i].value = answer.args[i];
        }
    }
    // The start-message mark is cleared by the answer; a handler that left it in place meant TT_OK.
    const bool unchanged_mark = answer.status == static_cast<std::int32_t>(Status::WRN_START_MESSAGE);
    live.header.status = (start_message && unchanged_mark) ? 0 : answer.status;
    live.header.status_string = answer.status_string;
    finish(live, state, out);
    if (start_message) answer_start_message(procid, message_id, out);
    return Status::OK;
}

Status Engine::reject(const std::string& procid, const std::string& message_id, Effects& out) {
    LiveMessage* held = nullptr;
    Status s = check_answer(procid, message_id, true, out, &held);
    if (held == nullptr) return s;
    LiveMessage& live = *held;
    const bool start_message = holds_start_message(procid, message_id);
    if (live.body->cls == Class::OFFER) {
        count_vote(live, procid, State::REJECTED, out);
        if (start_message) answer_start_message(procid, message_id, out);
        return Status::OK;
    }
    live.tried.push_back(procid);
    live.header.handler.clear();
    live.header.state = State::SENT;
    if (start_message) {
        live.header.status = 0;
        answer_start_message(procid, message_id, out);
    }
    auto again = live_.find(message_id);  // ending the launch may have redelivered, never this one
    if (again == live_.end()) return Status::OK;
    if (again->second->body->address == Address::HANDLER) {
        // Addressed to this procid alone: nobody else may be given it (facts §5.3).
        fail_message(again->second.get(), Status::ERR_NO_MATCH, out);
    } else {
        deliver_handler(again->second.get(), again->second->view(), out);
    }
    return Status::OK;
}

Status Engine::accept(const std::string& procid, const std::string& message_id, Effects& out) {
    if (find_procid(procid) == nullptr) return Status::ERR_PROCID;
    auto it = live_.find(message_id);
    if (it != live_.end() && it->second->body->cls == Class::OFFER && contains(it->second->voters, procid)) {
        count_vote(*it->second, procid, State::ACCEPTED, out);
        answer_start_message(procid, message_id, out);
        return Status::OK;
    }
    if (answer_start_message(procid, message_id, out)) return Status::OK;
    // On any other message it knows a no-op, as classic; an id it does not know is refused as
    // Reject and Abstain refuse it.
    return it == live_.end() ? Status::ERR_STATE : Status::OK;
}

Status Engine::abstain(const std::string& procid, const std::string& message_id, Effects& out) {
    if (find_procid(procid) == nullptr) return Status::ERR_PROCID;
    auto it = live_.find(message_id);
    if (it != live_.end() && it->second->body->cls == Class::OFFER && contains(it->second->voters, procid)) {
        count_vote(*it->second, procid, State::ABSTAINED, out);
        answer_start_message(procid, message_id, out);
        return Status::OK;
    }
    return Status::ERR_STATE;
}

}  // namespace ttbus::core
