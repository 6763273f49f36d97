// The engine, part one: construction, sessions, procids, joins, ptypes and patterns. Sending and
// the message state machine are in engine_sending.cpp; starting ptypes and queues in
// engine_starts.cpp; the state they share in engine_state.h.
#include "engine_state.h"

namespace ttbus::core {

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
            it = unqueue(it, out);
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
    auto known = accounts_.find(request.client);
    if (known != accounts_.end() && known->second->procids >= options_.limits.procids) return Status::ERR_OVERFLOW;
    auto state = std::make_unique<ProcidState>();
    state->id = options_.procid_prefix + std::to_string(next_procid_++);
    state->account = account_for(request.client, state->id);
    ++state->account->procids;
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
    p->account->patterns -= p->patterns.size();
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

    // Send-on-exit messages were admitted when they were registered: no quota refuses them now.
    if (reason == CloseReason::DIED) {
        for (const auto& m : std::vector<Message>(p->on_exit)) {
            if (check_message(m) == Status::OK) send_checked(*p, m, out, nullptr);
        }
    }
    const std::shared_ptr<Account> account = p->account;
    account->on_exit -= p->on_exit.size();
    procids_.erase(procid);
    procid_left(account, out);
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
    const auto signatures = types_->declared_signatures(ptype);
    if (p->account->patterns + signatures.size() > options_.limits.patterns) return Status::ERR_OVERFLOW;
    for (const Signature* sig : signatures) {
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
    p->account->patterns -= generated.size();
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
    if (p->account->patterns >= options_.limits.patterns) return Status::ERR_OVERFLOW;
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
    --p->account->patterns;
    return Status::OK;
}

PatternId Engine::add_pattern(ProcidState& owner, Pattern pattern, const std::string& ptype) {
    const PatternId id = next_pattern_++;
    std::sort(pattern.contexts.begin(), pattern.contexts.end(),
              [](const PatternContext& a, const PatternContext& b) { return a.slot < b.slot; });
    owner.patterns.push_back(patterns_.add(id, &owner.id, ptype, ++clock_, pattern));
    ++owner.account->patterns;
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

}  // namespace ttbus::core
