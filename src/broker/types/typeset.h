// A set of ptype and otype definitions as read from one source (a types file, a JSON file, a types.xdr),
// or as merged along the search path. TypeDb::build turns a TypeSet into the engine's snapshot.
#pragma once

#include "core/typedb.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::types {

struct TypeSet {
    std::vector<core::Ptype> ptypes;
    std::vector<core::Otype> otypes;
    bool operator==(const TypeSet&) const = default;

    core::Ptype* find_ptype(std::string_view id);
    const core::Ptype* find_ptype(std::string_view id) const;
    core::Otype* find_otype(std::string_view id);
    const core::Otype* find_otype(std::string_view id) const;
    bool empty() const { return ptypes.empty() && otypes.empty(); }
};

// Puts a set into the one form every reader produces, so that sets read from different formats compare
// equal: handler sections before observe (each in definition order, as the classic database keeps them),
// contexts sorted, properties in the order start, per_file, per_session, each signature carrying its
// ptype id and, for otype signatures, its otype id and `from` otype (its own id when none was written).
void normalize(TypeSet& set);

// The first thing in `set` that the writers (types.xdr, and the source printer) cannot write so that
// it reads back the same, as a message; "" when there is none: a ptype, otype, parent, op, vtype,
// argument, context or `from` name that is not a name of the language, a negative opnum (but -1, none), a
// signature without a category or an argument without a mode, a property other than start,
// per_file and per_session or one of them twice, a property value holding '"' or NUL, two definitions with
// one id, an otype that is its own ancestor, an otype signature without a ptype. Readers of compiled data (types.xdr, LoadTypes) refuse
// such a set.
std::string unrepresentable(const TypeSet& set);

enum class MergeMode {
    Overwrite,     // tt_type_comp -m: a definition in `add` replaces one with the same id
    KeepExisting,  // tt_type_comp -M: existing definitions stay
};

// Merges `add` into `base`; replaced definitions keep their place, new ones are appended.
// Returns the ids (ptypes, then otypes) that `add` defined but `base` already had.
std::vector<std::string> merge(TypeSet& base, const TypeSet& add, MergeMode mode);

// Removes the ptypes and otypes with these ids; returns the ids that named nothing.
std::vector<std::string> remove(TypeSet& set, const std::vector<std::string>& ids);

std::shared_ptr<const core::TypeDb> build(const TypeSet& set);

}  // namespace ttbus::types
