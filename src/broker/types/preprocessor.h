// Runs the C preprocessor over a types source, as the classic tt_type_comp did before parsing.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ttbus::types {

struct CppOptions {
    std::string program = "cpp";   // looked up in PATH
    std::vector<std::string> args;  // -Dname[=value], -Idir, -Uname, -undef, ... passed through unchanged
};

struct Preprocessed {
    std::string text;                  // cpp's output, with its line markers
    std::optional<std::string> error;  // cpp failed (its own messages went to stderr)
    bool cpp_missing = false;          // cpp could not be run: `text` is the raw file, as classic did
};

// Preprocesses the file at `path` ("-": standard input).
Preprocessed preprocess(const std::string& path, const CppOptions& options);

}  // namespace ttbus::types
