// The classic compiled type database, types.xdr (facts §3.7), versions 1 to 4.
#pragma once

#include "diagnostic.h"
#include "typeset.h"

#include <string>
#include <string_view>

namespace ttbus::types {

inline constexpr int xdr_max_version = 4;

struct XdrRead {
    TypeSet types;  // normalized
    int version = 0;
    Diagnostics diagnostics;  // one error when the file is damaged or too new
    bool ok() const { return !has_errors(diagnostics); }
};

// An empty input is an empty database, as in the classic reader. `file` names the input in messages.
// A set that could not be written back the same (typeset.h, unrepresentable) is refused like damage.
XdrRead read_types_xdr(std::string_view data, const std::string& file);

// The lowest version that can hold the set, as the classic writer picks it: 1, 3 when a signature has
// contexts, 4 when one is handle_push or handle_rotate.
int xdr_version_for(const TypeSet& set);

// Writes the set like the classic writer: otype signatures are also listed under the ptype that
// implements them, so a classic ttsession reading the file sees them.
std::string write_types_xdr(const TypeSet& set);

}  // namespace ttbus::types
