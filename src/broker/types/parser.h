// Recursive-descent parser of the classic types language (facts §3.3), over preprocessed text.
#pragma once

#include "parsed_types.h"

#include <string>
#include <string_view>

namespace ttbus::types {

// Parses `text` (already through cpp); `file` names it in locations until a line marker says otherwise.
// On a syntax error the result holds no types and one error naming file, line, column and what was expected.
// Semantic checks are separate (semantic_check.h).
ParsedTypes parse_types(std::string_view text, const std::string& file);

}  // namespace ttbus::types
