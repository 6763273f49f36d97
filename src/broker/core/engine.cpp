#include "engine.h"

#include "match.h"
#include "send_form.h"
#include "start_env.h"

#include <algorithm>

namespace ttbus::core {

// ---------------------------------------------------------------------------------------------
// Internal state

struct Engine::ProcidState {
    std::string id;
    std::string session;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::vector<std::string> sessions;
    std::vector<std::string> files;
    std::vector<std::string> ptypes;
    std::vector<PatternStore::Slot> patterns;  // in registration order
    std::vector<Message> on_exit;
    std::string default_ptype;
    bool closing = false;
};

// A request or offer between send and its final state.
struct Engine::LiveMessage {
    std::shared_ptr<const MessageBody> body;
    MessageHeader header;
    std::vector<std::string> tried;     // procids that rejected it: never offered it again
    std::vector<std::string> voters;    // offers: one entry per copy awaiting a vote
    std::vector<std::string> launched;  // ptypes started for it: each at most once
    bool queued = false;                // the sender has been told TT_QUEUED
    MessageView view() const { return {body, header}; }
};

struct Engine::Promise {
    std::string ptype;
    std::int32_t opnum = -1;
    Disposition disposition = Disposition::DISCARD;
    Scope scope = Scope::NONE;
};

// A message waiting for a ptype: the original (promise_ptype empty) or an observer-promise copy.
struct Engine::Waiting {
    MessageView view;
    std::string promise_ptype;
    bool launched = false;  // promise copies: this copy already caused a start
};

// The start state of one ptype: at most one launch at a time; while its start message is
// unanswered, every other message for the ptype waits behind it.
struct Engine::PtypeStart {
    bool active = false;
    std::string token;
    std::string procid;      // the started procid, once it has connected
    bool delivered = false;  // the start message went to `procid`
    Waiting start_item;
    std::deque<Waiting> waiting;
};

struct Engine::QueueEntry {
    QueueKey key;
    std::string ptype;
    Waiting item;
};

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool add_unique(std::vector<std::string>& v, const std::string& s) {
    if (contains(v, s)) return false;
    v.push_back(s);
    return true;
}

bool erase_value(std::vector<std::string>& v, const std::string& s) {
    auto it = std::find(v.begin(), v.end(), s);
    if (it == v.end()) return false;
    v.erase(it);
    return true;
}

bool handler_category(Category c) {
    return c == Category::HANDLE || c == Category::HANDLE_PUSH || c == Category::HANDLE_ROTATE;
}

bool session_scoped(EnumSet<Scope> scopes) {
    return scopes.contains(Scope::SESSION) || scopes.contains(Scope::FILE_IN_SESSION) || scopes.contains(Scope::BOTH);
}

bool file_scoped(EnumSet<Scope> scopes) {
    return scopes.contains(Scope::FILE) || scopes.contains(Scope::FILE_IN_SESSION);
}

bool bits_below(std::uint32_t bits, int count) { return (bits >> count) == 0; }

Pattern pattern_from_signature(const Signature& sig, const std::string& ptype) {
    Pattern p;
    p.category = sig.category;
    p.scopes.add(sig.scope);
    p.ops.push_back(sig.op);
    p.opnums.push_back(sig.opnum);
    if (sig.cls != Class::UNDEFINED) p.classes.add(sig.cls);
    if (handler_category(sig.category)) p.handler_ptypes.push_back(ptype);
    if (sig.otype.empty()) {
        p.addresses.add(Address::PROCEDURE);
    } else {
        p.addresses.add(Address::OTYPE);
        p.addresses.add(Address::OBJECT);
        p.otypes.push_back(sig.otype);
    }
    p.dispositions.add(sig.disposition);
    for (const auto& a : sig.args) p.args.push_back({a.mode, a.vtype, a.value});
    for (const auto& slot : sig.contexts) p.contexts.push_back({slot, {}});
    return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction, sessions, procids

Engine::Engine(EngineOptions options) : options_(std::move(options)), types_(TypeDb::build({}, {})) {}

Engine::~Engine() = default;

void Engine::set_types(std::shared_ptr<const TypeDb> types) {
    types_ = types ? std::move(types) : TypeDb::build({}, {});
}

Status Engine::session_create(const std::string& session) {
    if (session.empty()) return Status::ERR_SESSION;
    if (!add_unique(sessions_, session)) return Status::ERR_INVALID;
    return Status::OK;
}

bool Engine::session_exists(const std::string& session) const { return contains(sessions_, session); }

Status Engine::session_destroy(const std::string& session, Effects& out) {
    if (!session_exists(session)) return Status::ERR_SESSION;
    std::vector<std::string> members;
    for (const auto& [id, p] : procids_) {
        if (p->session == session) members.push_back(id);
    }
    std::sort(members.begin(), members.end());
    for (const auto& id : members) close(id, CloseReason::DIED, out);
    for (auto it = queue_.begin(); it != queue_.end();) {
        const QueueEntry& e = **it;
        if (e.key.scope == Scope::SESSION && e.key.name == session) {
            out.push_back(Dequeued{e.key, e.ptype, e.item.view->id});
            it = queue_.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& [id, p] : procids_) erase_value(p->sessions, session);
    erase_value(sessions_, session);
    props_.erase(session);
    return Status::OK;
}

Status Engine::session_prop(const std::string& session, const std::string& name, std::vector<std::string>* ret) const {
    if (!session_exists(session)) return Status::ERR_SESSION;
    if (name.empty() || name.size() > 64) return Status::ERR_PROPNAME;
    ret->clear();
    auto it = props_.find(session);
    if (it == props_.end()) return Status::OK;
    for (const auto& [n, values] : it->second) {
        if (n == name) *ret = values;
    }
    return Status::OK;
}

Status Engine::session_prop_set(const std::string& session, const std::string& name, const std::string& value,
                                bool append) {
    if (!session_exists(session)) return Status::ERR_SESSION;
    if (name.empty() || name.size() > 64) return Status::ERR_PROPNAME;
    if (value.size() > max_prop_value_bytes) return Status::ERR_OVERFLOW;
    auto& list = props_[session];
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == name; });
    std::size_t kept = name.size() + value.size();
    for (const auto& [n, values] : list) {
        if (n == name && !append) continue;  // replaced
        kept += n.size();
        for (const auto& v : values) kept += v.size();
    }
    if (kept > max_session_prop_bytes) return Status::ERR_OVERFLOW;
    if (it == list.end()) it = list.insert(list.end(), {name, {}});
    if (!append) it->second.clear();
    it->second.push_back(value);
    return Status::OK;
}

Status Engine::session_prop_names(const std::string& session, std::vector<std::string>* ret) const {
    if (!session_exists(session)) return Status::ERR_SESSION;
    ret->clear();
    auto it = props_.find(session);
    if (it != props_.end()) {
        for (const auto& [n, values] : it->second) ret->push_back(n);
    }
    return Status::OK;
}

Engine::ProcidState* Engine::find_procid(const std::string& id) {
    auto it = procids_.find(id);
    return it == procids_.end() ? nullptr : it->second.get();
}

const Engine::ProcidState* Engine::find_procid(const std::string& id) const {
    auto it = procids_.find(id);
    return it == procids_.end() ? nullptr : it->second.get();
}

Status Engine::open(const OpenRequest& request, Effects& out, std::string* ret_procid) {
    if (!session_exists(request.session)) return Status::ERR_SESSION;
    if (request.token.size() > max_token_bytes) return Status::ERR_OVERFLOW;
    auto state = std::make_unique<ProcidState>();
    state->id = options_.procid_prefix + std::to_string(next_procid_++);
    state->session = request.session;
    state->uid = request.uid;
    state->gid = request.gid;
    const std::string id = state->id;
    procids_.emplace(id, std::move(state));
    if (ret_procid != nullptr) *ret_procid = id;

    if (!request.token.empty()) {
        // A token names one launch; a bare ptype id (the classic TT_TOKEN) names that ptype's launch.
        for (auto& [ptype, ps] : starts_) {
            if (ps->active && ps->procid.empty() && (ps->token == request.token || ptype == request.token)) {
                claim_launch(ptype, id, out);
                break;
            }
        }
    }
    return Status::OK;
}

Status Engine::close(const std::string& procid, CloseReason reason, Effects& out) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    p->closing = true;
    for (PatternStore::Slot slot : p->patterns) patterns_.remove(slot);
    p->patterns.clear();

    // Requests it was handling fail; offers it had not voted on count as abstentions.
    std::vector<std::string> handled;
    std::vector<std::string> votes;
    for (const auto& [id, live] : live_) {
        if (live->body->cls == Class::OFFER) {
            if (contains(live->voters, procid)) votes.push_back(id);
        } else if (live->header.handler == procid) {
            handled.push_back(id);
        }
    }
    std::sort(handled.begin(), handled.end());  // deterministic effect order
    std::sort(votes.begin(), votes.end());
    for (const auto& id : handled) {
        auto it = live_.find(id);
        if (it != live_.end()) fail_message(it->second.get(), Status::ERR_PROCID, out);
    }
    for (const auto& id : votes) {
        auto it = live_.find(id);
        while (it != live_.end() && contains(it->second->voters, procid)) {
            count_vote(*it->second, procid, State::ABSTAINED, out);
            it = live_.find(id);
        }
    }

    std::vector<std::string> held;
    for (const auto& [ptype, ps] : starts_) {
        if (ps->active && ps->procid == procid) held.push_back(ptype);
    }
    std::sort(held.begin(), held.end());
    for (const auto& ptype : held) end_launch(ptype, out);

    if (reason == CloseReason::DIED) {
        for (const auto& m : std::vector<Message>(p->on_exit)) send(procid, m, out, nullptr);
    }
    procids_.erase(procid);
    return Status::OK;
}

// ---------------------------------------------------------------------------------------------
// Sessions and files

// Joining adds the session (or file) to the procid's patterns that take it, quitting removes it.
// Only patterns registered now are touched: one registered later needs tt_pattern_session_add or
// another join (classic behaviour that programs rely on). tt_session_join skips TT_FILE-only
// patterns; tt_file_join skips patterns whose only file-bearing scope is TT_BOTH.
void Engine::set_membership(ProcidState& p, Scope kind, const std::string& value, bool join) {
    const bool session = kind == Scope::SESSION;
    auto apply = [&](std::vector<std::string>& list) {
        return join ? add_unique(list, value) : erase_value(list, value);
    };
    for (PatternStore::Slot slot : p.patterns) {
        const EnumSet<Scope> scopes = patterns_[slot].scopes;
        if (!(session ? session_scoped(scopes) : file_scoped(scopes))) continue;
        Pattern pat = patterns_.pattern(slot);
        if (apply(session ? pat.sessions : pat.files)) patterns_.set_lists(slot, pat);
    }
    apply(session ? p.sessions : p.files);
}

Status Engine::session_join(const std::string& procid, const std::string& session, Effects& out) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (!session_exists(session)) return Status::ERR_SESSION;
    set_membership(*p, Scope::SESSION, session, true);
    retry_queue({Scope::SESSION, session}, nullptr, out);
    return Status::OK;
}

Status Engine::session_quit(const std::string& procid, const std::string& session) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (!session_exists(session)) return Status::ERR_SESSION;
    set_membership(*p, Scope::SESSION, session, false);
    return Status::OK;
}

Status Engine::file_join(const std::string& procid, const std::string& file, Effects& out) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (file.empty()) return Status::ERR_FILE;
    if (file[0] != '/') return Status::ERR_PATH;  // libtt sends the absolute path (tt_file_join resolves it)
    set_membership(*p, Scope::FILE, file, true);
    retry_queue({Scope::FILE, file}, p, out);
    return Status::OK;
}

Status Engine::file_quit(const std::string& procid, const std::string& file) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (file.empty()) return Status::ERR_FILE;
    if (file[0] != '/') return Status::ERR_PATH;
    set_membership(*p, Scope::FILE, file, false);
    return Status::OK;
}

// ---------------------------------------------------------------------------------------------
// Ptypes

Status Engine::ptype_declare(const std::string& procid, const std::string& ptype, Effects& out) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (types_->find_ptype(ptype) == nullptr) return Status::ERR_PTYPE;
    if (contains(p->ptypes, ptype)) return Status::OK;
    for (const Signature* sig : types_->declared_signatures(ptype)) {
        add_pattern(*p, pattern_from_signature(*sig, ptype), ptype);
    }
    p->ptypes.push_back(ptype);
    if (p->default_ptype.empty()) p->default_ptype = ptype;

    // A started instance may announce itself by declaring its ptype instead of by token.
    auto it = starts_.find(ptype);
    if (it != starts_.end() && it->second->active && it->second->procid.empty()) claim_launch(ptype, procid, out);

    for (const auto& s : std::vector<std::string>(p->sessions)) retry_queue({Scope::SESSION, s}, nullptr, out);
    for (const auto& f : std::vector<std::string>(p->files)) retry_queue({Scope::FILE, f}, p, out);
    return Status::OK;
}

Status Engine::ptype_undeclare(const std::string& procid, const std::string& ptype) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (!contains(p->ptypes, ptype)) return types_->find_ptype(ptype) ? Status::OK : Status::ERR_PTYPE;
    std::vector<PatternStore::Slot> generated;
    for (PatternStore::Slot slot : p->patterns) {
        if (patterns_.ptype(slot) == ptype) generated.push_back(slot);
    }
    for (PatternStore::Slot slot : generated) {
        patterns_.remove(slot);
        p->patterns.erase(std::find(p->patterns.begin(), p->patterns.end(), slot));
    }
    erase_value(p->ptypes, ptype);
    if (p->default_ptype == ptype) p->default_ptype = p->ptypes.empty() ? std::string() : p->ptypes.front();
    return Status::OK;
}

Status Engine::ptype_exists(const std::string& ptype) const {
    return types_->find_ptype(ptype) ? Status::OK : Status::ERR_PTYPE;
}

Status Engine::default_ptype_set(const std::string& procid, const std::string& ptype) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    p->default_ptype = ptype;
    return Status::OK;
}

// ---------------------------------------------------------------------------------------------
// Patterns

Status Engine::pattern_register(const std::string& procid, const Pattern& pattern, PatternId* ret_id) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    const Category c = pattern.category;
    if (!valid(c) || c == Category::UNDEFINED || c == Category::LAST) return Status::ERR_CATEGORY;
    if (!bits_below(pattern.scopes.bits(), scope_count)) return Status::ERR_SCOPE;
    if (!bits_below(pattern.classes.bits(), 4)) return Status::ERR_CLASS;
    if (!bits_below(pattern.states.bits(), 10)) return Status::ERR_INVALID;
    if (!bits_below(pattern.addresses.bits(), 4)) return Status::ERR_ADDRESS;
    if (!bits_below(pattern.dispositions.bits(), disposition_count)) return Status::ERR_DISPOSITION;
    if ((c == Category::HANDLE_PUSH || c == Category::HANDLE_ROTATE) &&
        (pattern.scopes.contains(Scope::FILE) || pattern.scopes.contains(Scope::BOTH))) {
        return Status::ERR_UNIMP;
    }
    for (const auto& a : pattern.args) {
        if (!valid(a.mode)) return Status::ERR_MODE;
        if (a.vtype.empty()) return Status::ERR_VTYPE;
    }
    for (const auto& ctx : pattern.contexts) {
        if (ctx.slot.empty()) return Status::ERR_SLOTNAME;
    }
    for (const auto& s : pattern.sessions) {
        if (!session_exists(s)) return Status::ERR_SESSION;
    }
    for (const auto& f : pattern.files) {
        if (f.empty() || f[0] != '/') return Status::ERR_PATH;  // as a message's file, and FileJoin's
    }
    PatternId id = add_pattern(*p, pattern, {});
    if (ret_id != nullptr) *ret_id = id;
    return Status::OK;
}

Status Engine::pattern_unregister(const std::string& procid, PatternId id) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    auto it = std::find_if(p->patterns.begin(), p->patterns.end(),
                           [&](PatternStore::Slot slot) { return patterns_[slot].id == id; });
    if (it == p->patterns.end() || patterns_[*it].ptype != Atoms::none) return Status::ERR_POINTER;
    const PatternStore::Slot slot = *it;
    p->patterns.erase(it);
    patterns_.remove(slot);
    return Status::OK;
}

PatternId Engine::add_pattern(ProcidState& owner, Pattern pattern, const std::string& ptype) {
    const PatternId id = next_pattern_++;
    std::sort(pattern.contexts.begin(), pattern.contexts.end(),
              [](const PatternContext& a, const PatternContext& b) { return a.slot < b.slot; });
    owner.patterns.push_back(patterns_.add(id, &owner.id, ptype, ++clock_, pattern));
    return id;
}

Status Engine::context_join(const std::string& procid, const std::string& slot, const Value& value) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (slot.empty()) return Status::ERR_SLOTNAME;
    if (is_bytes(value) && std::get<std::string>(value).size() > max_context_value_bytes) return Status::ERR_OVERFLOW;
    // Checked for every pattern first, so that a refusal changes none.
    for (PatternStore::Slot at : p->patterns) {
        for (const auto& ctx : patterns_.pattern(at).contexts) {
            if (ctx.slot == slot && ctx.values.size() >= max_context_values &&
                std::find(ctx.values.begin(), ctx.values.end(), value) == ctx.values.end()) {
                return Status::ERR_OVERFLOW;
            }
        }
    }
    for (PatternStore::Slot at : p->patterns) {
        Pattern pat = patterns_.pattern(at);
        bool changed = false;
        for (auto& ctx : pat.contexts) {
            if (ctx.slot != slot) continue;
            if (std::find(ctx.values.begin(), ctx.values.end(), value) == ctx.values.end()) {
                ctx.values.push_back(value);
                changed = true;
            }
        }
        if (changed) patterns_.set_lists(at, pat);
    }
    return Status::OK;  // also when no pattern has the slot (classic behaviour)
}

Status Engine::context_quit(const std::string& procid, const std::string& slot, const Value& value) {
    ProcidState* p = find_procid(procid);
    if (p == nullptr) return Status::ERR_PROCID;
    if (slot.empty()) return Status::ERR_SLOTNAME;
    for (PatternStore::Slot at : p->patterns) {
        Pattern pat = patterns_.pattern(at);
        bool changed = false;
        for (auto& ctx : pat.contexts) {
            if (ctx.slot != slot) continue;
            auto gone = std::remove(ctx.values.begin(), ctx.values.end(), value);
            changed = changed || gone != ctx.values.end();
            ctx.values.erase(gone, ctx.values.end());
        }
        if (changed) patterns_.set_lists(at, pat);
    }
    return Status::OK;
}

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
    return send_checked(*sender, message, out, ret_id);
}

Status Engine::send(const std::string& procid, Message&& message, Effects& out, std::string* ret_id) {
    ProcidState* sender = find_procid(procid);
    if (sender == nullptr) return Status::ERR_PROCID;
    if (Status s = check_message(message); s != Status::OK) return s;
    return send_checked(*sender, std::move(message), out, ret_id);
}

Status Engine::send_checked(const ProcidState& sender, Message m, Effects& out, std::string* ret_id) {
    prepare(sender, m);
    if (ret_id != nullptr) *ret_id = m.body.id;

    std::vector<Promise> promises;
    Status stage1 = match_signatures(m.body, m.header, promises);
    LiveMessage* live = nullptr;
    if (m.body.cls != Class::NOTICE) {
        auto lm = std::make_unique<LiveMessage>();
        lm->body = std::make_shared<const MessageBody>(std::move(m.body));
        lm->header = std::move(m.header);
        live = lm.get();
        live_.emplace(live->body->id, std::move(lm));
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
    sender->on_exit.push_back(message);
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
        auto body = std::make_shared<MessageBody>(*live.body);  // copy on write: earlier copies keep theirs
        for (std::size_t i = 0; i < body->args.size(); ++i) {
            if (body->args[i].mode == Mode::OUT || body->args[i].mode == Mode::INOUT) {
                body->args[i].value = answer.args[i];
            }
        }
        live.body = std::move(body);
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
    if (!ps.active) {
        const Ptype* p = types_->find_ptype(ptype);
        if (p == nullptr || (p->start.empty() && p->unit.empty())) return StartResult::IMPOSSIBLE;
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
            ps.waiting.push_back(std::move(item));
        } else {
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
    queue_.push_back(std::make_unique<QueueEntry>(QueueEntry{key, ptype, std::move(item)}));
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
            out.push_back(Dequeued{e.key, e.ptype, e.item.view->id});
            queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
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
    if (!q.observer_copy && view->cls != Class::NOTICE) {
        if (live_.count(view->id) != 0) return Status::ERR_INVALID;
        auto live = std::make_unique<LiveMessage>();
        live->body = view.body;
        live->header = view.header;
        live->queued = true;
        live_.emplace(view->id, std::move(live));
    }
    queue_.push_back(std::make_unique<QueueEntry>(
        QueueEntry{q.queue, q.ptype, Waiting{view, q.observer_copy ? q.ptype : std::string(), false}}));
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
