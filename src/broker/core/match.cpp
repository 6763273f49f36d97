#include "match.h"

#include <algorithm>

namespace ttbus::core {

namespace {

constexpr std::string_view any_vtype = "ALL";

}  // namespace

int arg_score(Mode mode, std::string_view vtype, const ValueRef& value, const Arg& m) {
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
        if (value != ValueRef(m.value)) return 0;  // same kind and same value
        ++score;
    }
    return std::max(score, 1);
}

int pattern_args_score(const std::vector<PatternArg>& args, const std::vector<Arg>& message_args) {
    return rules::pattern_args_score(args, message_args);
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
    return rules::pattern_contexts_match(contexts, message);
}

bool signature_contexts_match(const std::vector<std::string>& slots, const std::vector<Context>& message) {
    return std::all_of(slots.begin(), slots.end(),
                       [&](const std::string& slot) { return find_context(message, slot) != nullptr; });
}

int scope_score(const Pattern& p, const MessageBody& body, Scope message_scope) {
    return rules::scope_score(p, body, message_scope);
}

int pattern_score(const Pattern& p, const MessageBody& body, const MessageHeader& header) {
    return rules::pattern_score(p, body, header);
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
