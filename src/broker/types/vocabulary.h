// The words of the types language: reserved words, identifier syntax, and the keywords that name
// scopes, categories and modes. Shared by the parser, the printer and the JSON reader and writer.
#pragma once

#include "core/wire_types.h"

#include <optional>
#include <string_view>

namespace ttbus::types {

bool is_reserved_word(std::string_view word);

// [a-zA-Z][-_a-zA-Z0-9]* and not a reserved word: what the classic scanner accepts as a name.
bool is_name(std::string_view word);

// "session", "file", "file_in_session"; "" for TT_BOTH (no keyword: the classic default).
std::string_view scope_word(core::Scope s);
std::optional<core::Scope> scope_from_word(std::string_view w);

// "handle", "handle_push", "handle_rotate", "observe".
std::string_view category_word(core::Category c);
std::optional<core::Category> category_from_word(std::string_view w);

// "in", "out", "inout".
std::string_view mode_word(core::Mode m);
std::optional<core::Mode> mode_from_word(std::string_view w);

}  // namespace ttbus::types
