// Where a type definition came from, and the errors and warnings reported about it.
// Every reader in this folder reports through these, so tt_type_comp and the broker print them alike.
#pragma once

#include <string>
#include <vector>

namespace ttbus::types {

struct Location {
    std::string file;
    int line = 0;     // 1-based; 0 when the format has no lines (XDR)
    int column = 0;   // 1-based
    std::string pointer;  // JSON Pointer into a JSON type file ("" otherwise)
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    Location where;
    std::string message;
};

using Diagnostics = std::vector<Diagnostic>;

// "file:line:col: error: message", the form compilers and editors understand.
std::string format(const Diagnostic& d);

bool has_errors(const Diagnostics& ds);

}  // namespace ttbus::types
