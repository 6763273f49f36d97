// Matching rules shared by patterns (dispatch stage 2) and signatures (stage 1).
// A score of 0 means "no match"; higher means more specific.
#pragma once

#include "message.h"
#include "pattern.h"
#include "typedb.h"

namespace ttbus::core {

// One argument: mode equal (+1) or pattern mode undefined; vtype equal (+1) or "ALL" on either
// side; value unset in the pattern, or same kind and equal (+1). At least 1 when it matches.
int arg_score(Mode mode, const std::string& vtype, const Value& value, const Arg& message_arg);

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

}  // namespace ttbus::core
