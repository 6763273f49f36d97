// JSON type files: the classic types in JSON, plus ttbus-only fields (docs/types.md,
// docs/types.schema.json).
#pragma once

#include "parsed_types.h"

#include <string>
#include <string_view>

namespace ttbus::types {

inline constexpr int json_format_version = 1;

// Reads a JSON type file. Errors name the file and either line:column (malformed JSON) or the JSON
// Pointer of the offending value. Semantic checks are separate (semantic_check.h), as for the classic
// language; an otype signature without "ptype" is the pure-inheritance form.
ParsedTypes parse_json_types(std::string_view text, const std::string& file);

// Writes a set in the stable form: members in a fixed order, defaults left out, two-space indent.
std::string write_json_types(const TypeSet& set);

}  // namespace ttbus::types
