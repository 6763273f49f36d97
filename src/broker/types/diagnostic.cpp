#include "diagnostic.h"

#include <algorithm>

namespace ttbus::types {

std::string format(const Diagnostic& d) {
    std::string out = d.where.file.empty() ? std::string("<input>") : d.where.file;
    if (d.where.line > 0) {
        out += ':' + std::to_string(d.where.line);
        if (d.where.column > 0) out += ':' + std::to_string(d.where.column);
    }
    if (!d.where.pointer.empty()) out += ": at " + d.where.pointer;
    out += d.severity == Severity::Error ? ": error: " : ": warning: ";
    out += d.message;
    return out;
}

bool has_errors(const Diagnostics& ds) {
    return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace ttbus::types
