// A TypeSet as read from one source file, with the location of every definition, so that the
// semantic checks can say where a problem is. Index i of each list belongs to definition i.
#pragma once

#include "diagnostic.h"
#include "typeset.h"

#include <vector>

namespace ttbus::types {

struct SourceMap {
    std::vector<Location> ptypes;
    std::vector<std::vector<Location>> ptype_signatures;
    std::vector<Location> otypes;
    std::vector<std::vector<Location>> otype_parents;
    std::vector<std::vector<Location>> otype_signatures;
};

struct ParsedTypes {
    TypeSet types;  // otype signatures with an empty ptype are the pure-inheritance form, still to resolve
    SourceMap where;
    Diagnostics diagnostics;
    bool ok() const { return !has_errors(diagnostics); }
};

}  // namespace ttbus::types
