// The semantic checks of tt_type_comp (facts §3.5), run on a parsed source before it may touch a database.
#pragma once

#include "parsed_types.h"

namespace ttbus::types {

// Checks `parsed` and resolves its pure-inheritance otype signatures (`Op(args) => from Parent;` copies
// the parent's scope, disposition, opnum and ptype). `known` holds types defined elsewhere (the
// database the source is merged into) that the source may name as parents or ptypes.
// Errors and warnings are appended to parsed.diagnostics; on an error parsed.types is emptied, else it
// is normalized (typeset.h). Does nothing to a result that already holds errors.
void check_types(ParsedTypes& parsed, const TypeSet& known);

// "Op(in string name, out int n) context(a, b)", for messages and the printer.
std::string describe_interface(const core::Signature& s);

// Same op, arg modes and vtypes, and contexts: what the classic compiler calls the same signature.
bool same_interface(const core::Signature& a, const core::Signature& b);

}  // namespace ttbus::types
