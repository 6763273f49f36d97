#include "match.h"

#include <algorithm>

namespace ttbus::core {

namespace {

constexpr std::string_view any_vtype = "ALL";

bool listed(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// +1 for a listed value, 0 for an empty list (wildcard), -1 for a miss.
int string_field(const std::vector<std::string>& list, const std::string& value) {
    if (list.empty()) return 0;
    return listed(list, value) ? 1 : -1;
}

template <typename E>
int enum_field(const EnumSet<E>& set, E value) {
    if (set.empty()) return 0;
    return set.contains(value) ? 1 : -1;
}

}  // namespace

int arg_score(Mode mode, const std::string& vtype, const Value& value, const Arg& m) {
    int score = 0;
    if (mode != Mode::UNDEFINED) {
        if (mode != m.mode) return 0;
        ++score;
    }
    if (vtype != any_vtype && m.vtype != any_vtype) {
        if (vtype != m.vtype) return 0;
        ++score;
    }
    if (!is_unset(value)) {
        if (value != m.value) return 0;  // variant equality: same kind and same value
        ++score;
    }
    return std::max(score, 1);
}

int pattern_args_score(const std::vector<PatternArg>& args, const std::vector<Arg>& message_args) {
    if (args.size() > message_args.size()) return 0;
    int total = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        int s = arg_score(args[i].mode, args[i].vtype, args[i].value, message_args[i]);
        if (s == 0) return 0;
        total += s;
    }
    return total;
}

int signature_args_score(const std::vector<SignatureArg>& args, const std::vector<Arg>& message_args) {
    if (args.empty()) return 1;
    if (args.size() != message_args.size()) return 0;
    int total = 1;
    for (std::size_t i = 0; i < args.size(); ++i) {
        int s = arg_score(args[i].mode, args[i].vtype, args[i].value, message_args[i]);
        if (s == 0) return 0;
        total += s;
    }
    return total;
}

bool pattern_contexts_match(const std::vector<PatternContext>& contexts, const std::vector<Context>& message) {
    for (const auto& pc : contexts) {
        const Context* mc = find_context(message, pc.slot);
        if (mc == nullptr) return false;
        if (pc.values.empty()) continue;
        if (std::find(pc.values.begin(), pc.values.end(), mc->value) == pc.values.end()) return false;
    }
    return true;
}

bool signature_contexts_match(const std::vector<std::string>& slots, const std::vector<Context>& message) {
    return std::all_of(slots.begin(), slots.end(),
                       [&](const std::string& slot) { return find_context(message, slot) != nullptr; });
}

int scope_score(const Pattern& p, const MessageBody& body, Scope message_scope) {
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

int pattern_score(const Pattern& p, const MessageBody& body, const MessageHeader& header) {
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
    int s = scope_score(p, body, header.scope);
    if (s < 0) return 0;
    score += s;
    if (!p.args.empty()) {
        int a = pattern_args_score(p.args, body.args);
        if (a == 0) return 0;
        score += a;
    }
    if (!pattern_contexts_match(p.contexts, body.contexts)) return 0;
    return score + 1;  // the classic matcher counts a context match even for a pattern without contexts
}

int signature_score(const Signature& s, const MessageBody& body, const MessageHeader& header) {
    if (s.op != body.op) return 0;
    if (s.cls != Class::UNDEFINED && s.cls != body.cls) return 0;
    if (!s.otype.empty()) {
        if (s.otype != body.otype) return 0;
    } else if (s.scope != header.scope) {
        return 0;  // exact scope equality: a scope-less (TT_BOTH) signature only sees TT_BOTH messages
    }
    if (!signature_contexts_match(s.contexts, body.contexts)) return 0;
    return signature_args_score(s.args, body.args);
}

}  // namespace ttbus::core
