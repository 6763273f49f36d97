// The engine's private state and the helpers its parts share (engine.cpp, engine_sending.cpp,
// engine_starts.cpp). Not a public header: engine.h is the engine's interface.
#pragma once

#include "engine.h"

#include "match.h"
#include "start_env.h"

#include <algorithm>

namespace ttbus::core {

// ---------------------------------------------------------------------------------------------
// Internal state

// What one client makes the engine keep (Limits). Shared by its procids and by every message and
// queue entry it is charged for, so a message keeps its payer after the procid has gone.
struct Engine::Account {
    std::string client;
    std::size_t procids = 0;
    std::size_t patterns = 0;
    std::size_t live = 0;
    std::size_t queued = 0;
    std::size_t on_exit = 0;
    std::size_t waiting = 0;
    std::size_t bytes = 0;  // of its live, queued and waiting messages
    std::uint64_t gone = 0;  // when its last procid closed (0: it has procids, or never had)
    bool orphan() const { return procids == 0; }
};

struct Engine::ProcidState {
    std::string id;
    std::shared_ptr<Account> account;
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
    // Shared with the views handed out; filled in place by an answer when no view holds it any more.
    std::shared_ptr<MessageBody> body;
    MessageHeader header;
    std::vector<std::string> tried;     // procids that rejected it: never offered it again
    std::vector<std::string> voters;    // offers: one entry per copy awaiting a vote
    std::vector<std::string> launched;  // ptypes started for it: each at most once
    bool queued = false;                // the sender has been told TT_QUEUED
    std::shared_ptr<Account> account;   // who pays for it
    std::size_t bytes = 0;
    std::uint64_t seq = 0;
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
    // Behind a launch, a notice or copy is charged here (a live original is charged as live).
    std::shared_ptr<Account> payer;
    std::size_t bytes = 0;
    std::uint64_t seq = 0;
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
    std::shared_ptr<Account> account;  // who pays for it
    std::size_t bytes = 0;             // 0 for a live message's own entry: the live message pays
    std::uint64_t seq = 0;
};

// What a message costs the broker to keep: its strings and values, and the structures holding them.
inline std::size_t message_bytes(const MessageBody& b) {
    std::size_t n = sizeof(MessageBody) + sizeof(MessageHeader) + b.id.size() + b.op.size() + b.file.size() +
                    b.object.size() + b.otype.size() + b.session.size() + b.sender.size() + b.sender_ptype.size();
    auto value_bytes = [](const Value& v) { return is_bytes(v) ? std::get<std::string>(v).size() : 0; };
    for (const auto& a : b.args) n += sizeof(Arg) + a.vtype.size() + value_bytes(a.value);
    for (const auto& c : b.contexts) n += sizeof(Context) + c.slot.size() + value_bytes(c.value);
    return n;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

inline bool add_unique(std::vector<std::string>& v, const std::string& s) {
    if (contains(v, s)) return false;
    v.push_back(s);
    return true;
}

inline bool erase_value(std::vector<std::string>& v, const std::string& s) {
    auto it = std::find(v.begin(), v.end(), s);
    if (it == v.end()) return false;
    v.erase(it);
    return true;
}

inline bool handler_category(Category c) {
    return c == Category::HANDLE || c == Category::HANDLE_PUSH || c == Category::HANDLE_ROTATE;
}

inline bool session_scoped(EnumSet<Scope> scopes) {
    return scopes.contains(Scope::SESSION) || scopes.contains(Scope::FILE_IN_SESSION) || scopes.contains(Scope::BOTH);
}

inline bool file_scoped(EnumSet<Scope> scopes) {
    return scopes.contains(Scope::FILE) || scopes.contains(Scope::FILE_IN_SESSION);
}

inline bool bits_below(std::uint32_t bits, int count) { return (bits >> count) == 0; }

inline Pattern pattern_from_signature(const Signature& sig, const std::string& ptype) {
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

}  // namespace ttbus::core
