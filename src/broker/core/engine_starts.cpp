// The engine, part three: starting ptypes (one launch at a time, its start message, its end),
// queues, and the read-only views.
#include "engine_state.h"

namespace ttbus::core {

// ---------------------------------------------------------------------------------------------
// Starting ptypes

Engine::StartResult Engine::start(const std::string& ptype, Waiting item, Effects& out) {
    LiveMessage* live = nullptr;
    if (item.promise_ptype.empty()) {
        auto it = live_.find(item.view->id);
        if (it != live_.end()) live = it->second.get();
    }
    if (live != nullptr ? contains(live->launched, ptype) : item.launched) return StartResult::ALREADY_TRIED;

    auto& slot = starts_[ptype];
    if (!slot) slot = std::make_unique<PtypeStart>();
    PtypeStart& ps = *slot;
    const Ptype* p = ps.active ? nullptr : types_->find_ptype(ptype);
    if (!ps.active && (p == nullptr || (p->start.empty() && p->unit.empty()))) return StartResult::IMPOSSIBLE;
    if (!hold(item, out)) return StartResult::STARTED;  // dropped at its bound: nothing to launch for
    if (!ps.active) {
        ps.active = true;
        ps.token = options_.token_prefix + std::to_string(next_token_++);
        ps.procid.clear();
        ps.delivered = false;
        if (live != nullptr) {
            live->launched.push_back(ptype);
        } else {
            item.launched = true;
        }
        out.push_back(StartPtype{ps.token, ptype, p->start, p->unit, item.view->session,
                                 start_environment(*item.view, item.view->session, ps.token)});
    }
    item.view.header.state = State::STARTED;
    if (live != nullptr && live->header.state != State::STARTED) {
        live->header.state = State::STARTED;
        notify_sender(*live, out);
    }
    ps.waiting.push_back(std::move(item));
    return StartResult::STARTED;
}

void Engine::claim_launch(const std::string& ptype, const std::string& procid, Effects& out) {
    PtypeStart& ps = *starts_.at(ptype);
    ps.procid = procid;
    deliver_start_message(ptype, out);
}

void Engine::deliver_start_message(const std::string& ptype, Effects& out) {
    PtypeStart& ps = *starts_.at(ptype);
    if (ps.waiting.empty()) {
        ps.active = false;
        return;
    }
    ps.start_item = std::move(ps.waiting.front());
    ps.waiting.pop_front();
    unhold(ps.start_item);
    ps.delivered = true;
    Waiting& item = ps.start_item;
    if (!item.promise_ptype.empty()) {
        MessageView copy = item.view;
        copy.header.state = State::SENT;
        copy.header.status = static_cast<std::int32_t>(Status::WRN_START_MESSAGE);
        out.push_back(Delivery{ps.procid, std::move(copy), 0, DeliveryKind::OBSERVE, true});
        return;
    }
    auto it = live_.find(item.view->id);
    LiveMessage* live = it != live_.end() ? it->second.get() : nullptr;
    deliver_to(ps.procid, live, live ? live->view() : item.view, 0, true, out);
}

const std::string* Engine::start_ptype_held(const std::string& procid, const std::string& message_id) const {
    for (const auto& [ptype, ps] : starts_) {
        if (ps->active && ps->delivered && ps->procid == procid && ps->start_item.view->id == message_id) {
            return &ptype;
        }
    }
    return nullptr;
}

bool Engine::holds_start_message(const std::string& procid, const std::string& message_id) const {
    return start_ptype_held(procid, message_id) != nullptr;
}

bool Engine::answer_start_message(const std::string& procid, const std::string& message_id, Effects& out) {
    const std::string* ptype = start_ptype_held(procid, message_id);
    if (ptype == nullptr) return false;
    end_launch(std::string(*ptype), out);  // a copy: end_launch may add to starts_
    return true;
}

// The start message was answered (or its handler went away): the ptype is unblocked and the
// messages that waited are redelivered in order; the first that still finds nobody starts
// another instance and the rest wait again.
void Engine::end_launch(const std::string& ptype, Effects& out) {
    auto it = starts_.find(ptype);
    if (it == starts_.end()) return;
    PtypeStart& ps = *it->second;
    ps.active = false;
    ps.delivered = false;
    ps.procid.clear();
    std::deque<Waiting> waiting;
    waiting.swap(ps.waiting);
    for (auto& item : waiting) {
        if (ps.active) {
            ps.waiting.push_back(std::move(item));  // still charged: it waits on
        } else {
            unhold(item);
            redeliver_waiting(std::move(item), out);
        }
    }
}

void Engine::redeliver_waiting(Waiting item, Effects& out) {
    if (!item.promise_ptype.empty()) {
        item.view.header.state = State::SENT;
        if (deliver_static_observers(item.view, item.promise_ptype, out) > 0) return;
        const std::string ptype = item.promise_ptype;
        if (start(ptype, item, out) == StartResult::STARTED) return;
        if (has(item.view.header.disposition, Disposition::QUEUE)) {
            const QueueKey key{Scope::SESSION, item.view->session};
            enqueue(key, ptype, std::move(item), out);
        }
        return;
    }
    auto it = live_.find(item.view->id);
    if (it == live_.end()) {  // a notice
        item.view.header.state = State::SENT;
        deliver_handler(nullptr, std::move(item.view), out);
        return;
    }
    it->second->header.state = State::SENT;
    deliver_handler(it->second.get(), it->second->view(), out);
}

Status Engine::launch_ended(const std::string& token, Effects& out) {
    for (auto& [name, slot] : starts_) {
        PtypeStart& ps = *slot;
        if (!ps.active || ps.token != token) continue;
        // Once the start message reached a live procid the launch succeeded; a wrapper that
        // exits after handing over is fine (classic ToolTalk failed the messages here).
        if (ps.delivered) return Status::OK;
        const std::string ptype = name;
        ps.active = false;
        std::deque<Waiting> waiting;
        waiting.swap(ps.waiting);
        for (auto& item : waiting) {
            unhold(item);
            const bool queue_flag = has(item.view.header.disposition, Disposition::QUEUE);
            const Scope scope = item.view.header.scope;
            if (queue_flag && scope != Scope::FILE && scope != Scope::BOTH) {
                const QueueKey key{Scope::SESSION, item.view->session};
                enqueue(key, ptype, std::move(item), out);
                continue;
            }
            if (item.promise_ptype.empty()) {
                auto it = live_.find(item.view->id);
                fail_message(it != live_.end() ? it->second.get() : nullptr, Status::ERR_PTYPE_START, out);
            }
        }
        return Status::OK;
    }
    return Status::WRN_NOTFOUND;
}

// ---------------------------------------------------------------------------------------------
// Queues

bool Engine::enqueue(const QueueKey& key, const std::string& ptype, Waiting item, Effects& out) {
    for (const auto& e : queue_) {
        if (e->key == key && e->ptype == ptype && e->item.view->id == item.view->id) return false;
    }
    std::shared_ptr<Account> payer = account_of(item.view);
    const bool own_entry = item.promise_ptype.empty() && live_.count(item.view->id) != 0;
    const std::size_t bytes = own_entry ? 0 : message_bytes(*item.view);  // a live message pays for itself
    if (queue_.size() >= options_.limits.queued_total || !fits(*payer, bytes)) {
        // A request or offer fails and its sender (when there) hears why; a copy or a notice has
        // nobody to tell, so the host logs it.
        auto it = item.promise_ptype.empty() ? live_.find(item.view->id) : live_.end();
        if (it != live_.end()) {
            fail_message(it->second.get(), Status::ERR_OVERFLOW, out);
        } else {
            out.push_back(Dropped{payer->client, 1, DropCause::QUEUE_FULL});
        }
        return false;
    }
    item.view.header.state = State::QUEUED;
    if (item.promise_ptype.empty()) {
        auto it = live_.find(item.view->id);
        if (it != live_.end()) {
            LiveMessage& live = *it->second;
            live.header.state = State::QUEUED;
            if (!live.queued) {  // the sender hears of the queueing once, not at every retry
                live.queued = true;
                notify_sender(live, out);
            }
        }
    }
    out.push_back(Queued{key, ptype, item.view, !item.promise_ptype.empty()});
    queue_add(std::make_unique<QueueEntry>(QueueEntry{key, ptype, std::move(item), std::move(payer), bytes, 0}));
    return true;
}

void Engine::retry_queue(const QueueKey& key, const ProcidState* only_for, Effects& out) {
    for (std::size_t i = 0; i < queue_.size();) {
        QueueEntry& e = *queue_[i];
        if (!(e.key == key) || (only_for != nullptr && !contains(only_for->ptypes, e.ptype))) {
            ++i;
            continue;
        }
        bool delivered = false;
        if (!e.item.promise_ptype.empty()) {
            MessageView copy = e.item.view;
            copy.header.state = State::SENT;
            delivered = deliver_static_observers(copy, e.ptype, out) > 0;
        } else {
            auto it = live_.find(e.item.view->id);
            LiveMessage* live = it != live_.end() ? it->second.get() : nullptr;
            MessageView view = live ? live->view() : e.item.view;
            view.header.state = State::SENT;
            static const std::vector<std::string> none;
            const PatternStore::Slot slot = find_handler(view, live ? live->tried : none);
            if (slot != PatternStore::npos) {
                deliver_to(*patterns_[slot].owner, live, std::move(view), patterns_[slot].id, false, out);
                delivered = true;
            }
        }
        if (delivered) {
            unqueue(queue_.begin() + static_cast<std::ptrdiff_t>(i), out);
        } else {
            ++i;
        }
    }
}

std::size_t Engine::queued_count() const { return queue_.size(); }

// A queued message comes back from the store after a restart. Its sender is gone, so it is kept
// for its ptype's next handler; a request is live again so that handler can answer it.
Status Engine::queue_restore(const Queued& q) {
    if (q.message.body == nullptr || q.message->id.empty()) return Status::ERR_POINTER;
    if (q.queue.scope == Scope::SESSION && !session_exists(q.queue.name)) return Status::ERR_SESSION;
    for (const auto& e : queue_) {
        if (e->key == q.queue && e->ptype == q.ptype && e->item.view->id == q.message->id) return Status::ERR_INVALID;
    }
    MessageView view = q.message;
    view.header.state = State::QUEUED;
    std::shared_ptr<Account> payer = account_of(view);
    std::size_t bytes = message_bytes(*view);
    if (!q.observer_copy && view->cls != Class::NOTICE) {
        if (live_.count(view->id) != 0) return Status::ERR_INVALID;
        auto live = std::make_unique<LiveMessage>();
        live->body = std::make_shared<MessageBody>(*view.body);  // its own, which an answer may fill
        view.body = live->body;
        live->header = view.header;
        live->queued = true;
        live->account = payer;
        keep_live(std::move(live));
        bytes = 0;  // the live message pays
    }
    Waiting item{view, q.observer_copy ? q.ptype : std::string(), false, nullptr, 0, 0};
    queue_add(std::make_unique<QueueEntry>(QueueEntry{q.queue, q.ptype, std::move(item), std::move(payer), bytes, 0}));
    return Status::OK;
}

std::vector<Queued> Engine::queued() const {
    std::vector<Queued> out;
    for (const auto& e : queue_) out.push_back(Queued{e->key, e->ptype, e->item.view, !e->item.promise_ptype.empty()});
    return out;
}

// ---------------------------------------------------------------------------------------------
// Introspection

std::optional<ProcidInfo> Engine::procid_info(const std::string& procid) const {
    const ProcidState* p = find_procid(procid);
    if (p == nullptr) return std::nullopt;
    std::vector<PatternId> ids;
    ids.reserve(p->patterns.size());
    for (PatternStore::Slot slot : p->patterns) ids.push_back(patterns_[slot].id);
    return ProcidInfo{p->id, p->session, p->uid, p->gid, p->sessions, p->files, p->ptypes, std::move(ids),
                      p->default_ptype};
}

std::vector<std::string> Engine::procids() const {
    std::vector<std::string> out;
    for (const auto& [id, p] : procids_) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
}

// What reply(), fail() and reject() accept from the procid (check_holder): a live request it
// holds as its handler, in a state that takes an answer.
Status Engine::handling(const std::string& procid, std::vector<std::string>* ret_ids) const {
    return held(procid, Class::REQUEST, ret_ids);
}

// What accept(), reject() and abstain() accept from the procid: a live offer it is a voter of.
Status Engine::voting(const std::string& procid, std::vector<std::string>* ret_ids) const {
    return held(procid, Class::OFFER, ret_ids);
}

Status Engine::held(const std::string& procid, Class cls, std::vector<std::string>* ret_ids) const {
    if (find_procid(procid) == nullptr) return Status::ERR_PROCID;
    ret_ids->clear();
    for (const auto& [id, live] : live_) {
        if (live->body->cls == cls && check_holder(procid, id, cls == Class::OFFER) == Status::OK) ret_ids->push_back(id);
    }
    std::sort(ret_ids->begin(), ret_ids->end());
    return Status::OK;
}

std::string Engine::pattern_ptype(PatternId id) const {
    const PatternStore::Slot slot = patterns_.find(id);
    return slot == PatternStore::npos ? std::string() : std::string(patterns_.ptype(slot));
}

const Pattern* Engine::pattern(PatternId id) const {
    const PatternStore::Slot slot = patterns_.find(id);
    if (slot == PatternStore::npos) return nullptr;
    Pattern& shown = shown_[shown_next_++ % shown_count];
    shown = patterns_.pattern(slot);
    return &shown;
}

}  // namespace ttbus::core
