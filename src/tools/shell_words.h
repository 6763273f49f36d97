// The shell's quote removal and field splitting, without any expansion: what `sh -c` made of a
// command-line word before it reached a program. Classic tt_type_comp handed its cpp options to
// cpp through the shell, so Makefiles quote them for two shells ('-DDIR=\"/a/b\"').
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ttbus::tools {

// Splits `text` at unquoted blanks (space, tab, newline) and removes the quotes: '…' keeps
// everything, "…" keeps everything but \ before $ ` " \ and newline, an unquoted \ keeps the next
// character (a \-newline pair goes). $, ` and globs are not expanded: they stay as written.
// Returns nullopt, with the reason in `error`, for an unterminated quote.
std::optional<std::vector<std::string>> shell_words(const std::string& text, std::string* error);

}  // namespace ttbus::tools
