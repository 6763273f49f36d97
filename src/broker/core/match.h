// Matching rules shared by patterns (dispatch stage 2) and signatures (stage 1).
// A score of 0 means "no match"; higher means more specific.
#pragma once

#include "wire_types.h"
#include "typedb.h"

#include <cstddef>
#include <string_view>

namespace ttbus::core {

// One argument: mode equal (+1) or pattern mode undefined; vtype equal (+1) or "ALL" on either
// side; value unset in the pattern, or same kind and equal (+1). At least 1 when it matches.
int arg_score(Mode mode, std::string_view vtype, const ValueRef& value, const Arg& message_arg);

// Pattern args are a prefix of the message args.
int pattern_args_score(const std::vector<PatternArg>& args, const std::vector<Arg>& message_args);
// Signature args must match one to one; a signature without args matches any args (score 1).
int signature_args_score(const std::vector<SignatureArg>& args, const std::vector<Arg>& message_args);

bool pattern_contexts_match(const std::vector<PatternContext>& contexts, const std::vector<Context>& message);
bool signature_contexts_match(const std::vector<std::string>& slots, const std::vector<Context>& message);

// Scope part of a pattern match: -1 for no match, else the score it adds (1 for a matched file).
int scope_score(const Pattern& p, const MessageBody& body, Scope message_scope);

// The full score of a pattern against a message in the given header state.
int pattern_score(const Pattern& p, const MessageBody& body, const MessageHeader& header);

// Stage 1: a signature against a message, 0 for no match.
int signature_score(const Signature& s, const MessageBody& body, const MessageHeader& header);

// The pattern rules, written once for any type with Pattern's member names: Pattern itself and
// the engine's view of a stored, compacted pattern. Lists need only size(), empty() and
// operator[], whose elements compare with std::string (or, for values, with ValueRef).
namespace rules {

template <typename List, typename T>
bool listed(const List& list, const T& value) {
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i] == value) return true;
    }
    return false;
}

// +1 for a listed value, 0 for an empty list (wildcard), -1 for a miss.
template <typename List>
int string_field(const List& list, const std::string& value) {
    if (list.empty()) return 0;
    return listed(list, value) ? 1 : -1;
}

template <typename E>
int enum_field(EnumSet<E> set, E value) {
    if (set.empty()) return 0;
    return set.contains(value) ? 1 : -1;
}

template <typename Args>
int pattern_args_score(const Args& args, const std::vector<Arg>& message_args) {
    if (args.size() > message_args.size()) return 0;
    int total = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        int s = arg_score(a.mode, a.vtype, a.value, message_args[i]);
        if (s == 0) return 0;
        total += s;
    }
    return total;
}

template <typename Contexts>
bool pattern_contexts_match(const Contexts& contexts, const std::vector<Context>& message) {
    for (std::size_t i = 0; i < contexts.size(); ++i) {
        const auto& pc = contexts[i];
        const Context* mc = find_context(message, pc.slot);
        if (mc == nullptr) return false;
        if (pc.values.empty()) continue;
        if (!listed(pc.values, ValueRef(mc->value))) return false;
    }
    return true;
}

template <typename P>
int scope_score(const P& p, const MessageBody& body, Scope message_scope) {
    const bool in_session = listed(p.sessions, body.session);
    const bool file_listed = !p.files.empty() && listed(p.files, body.file);
    switch (message_scope) {
    case Scope::SESSION:
        if (!p.scopes.contains(Scope::SESSION) && !p.scopes.contains(Scope::BOTH)) return -1;
        if (!in_session) return -1;
        if (p.files.empty()) return 0;
        return file_listed ? 1 : -1;  // a pattern's file list also restricts session messages
    case Scope::FILE:
        if (!p.scopes.contains(Scope::FILE) && !p.scopes.contains(Scope::BOTH)) return -1;
        return file_listed ? 1 : -1;
    case Scope::BOTH:
        if (!p.scopes.contains(Scope::SESSION) && !p.scopes.contains(Scope::FILE) &&
            !p.scopes.contains(Scope::BOTH)) {
            return -1;
        }
        // A pattern in no session never matches a message that is not file-scoped, so a
        // TT_FILE-only pattern does not see TT_BOTH messages.
        if (p.sessions.empty()) return -1;
        if (in_session) return file_listed ? 1 : 0;
        return file_listed ? 1 : -1;
    case Scope::FILE_IN_SESSION:
        if (!p.scopes.contains(Scope::FILE_IN_SESSION)) return -1;
        if (!in_session) return -1;
        if (p.files.empty()) return 0;
        return file_listed ? 1 : -1;
    case Scope::NONE:
        break;
    }
    return -1;
}

template <typename P>
int pattern_score(const P& p, const MessageBody& body, const MessageHeader& header) {
    int score = 1;
    if (!p.ops.empty()) {
        if (!listed(p.ops, body.op)) return 0;
        ++score;
    }
    for (int f : {enum_field(p.dispositions, header.disposition), enum_field(p.states, header.state),
                  enum_field(p.classes, body.cls), enum_field(p.addresses, body.address)}) {
        if (f < 0) return 0;
        score += f;
    }
    for (int f : {string_field(p.handlers, header.handler), string_field(p.handler_ptypes, header.handler_ptype),
                  string_field(p.objects, body.object), string_field(p.otypes, body.otype),
                  string_field(p.senders, body.sender), string_field(p.sender_ptypes, body.sender_ptype)}) {
        if (f < 0) return 0;
        score += f;
    }
    int s = rules::scope_score(p, body, header.scope);
    if (s < 0) return 0;
    score += s;
    if (!p.args.empty()) {
        int a = rules::pattern_args_score(p.args, body.args);
        if (a == 0) return 0;
        score += a;
    }
    if (!rules::pattern_contexts_match(p.contexts, body.contexts)) return 0;
    return score + 1;  // the classic matcher counts a context match even for a pattern without contexts
}

}  // namespace rules

}  // namespace ttbus::core
