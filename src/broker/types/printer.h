// Prints types in source syntax, laid out like the classic `tt_type_comp -p`, so the output can be
// compared with the classic tool's and read back by the parser.
#pragma once

#include "typeset.h"

#include <string>

namespace ttbus::types {

std::string print_types(const TypeSet& set);

// `tt_type_comp -P` / `-O`: one id per line.
std::string list_ptypes(const TypeSet& set);
std::string list_otypes(const TypeSet& set);

}  // namespace ttbus::types
