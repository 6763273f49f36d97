#include "diagnostic.h"

#include "text.h"

#include <algorithm>

namespace ttbus::types {

std::string format(const Diagnostic& d) {
    std::string out = d.where.file.empty() ? std::string("<input>") : d.where.file;
    if (d.where.line > 0) {
        out += ':' + std::to_string(d.where.line);
        if (d.where.column > 0) out += ':' + std::to_string(d.where.column);
    }
    // TRANSLATORS: %s is a JSON Pointer into a type file, e.g. /ptypes/0/id.
    if (!d.where.pointer.empty()) out += text::format(N_(": at %s"), d.where.pointer);
    // TRANSLATORS: after "file:line:col: "; as a compiler says it in your language.
    out += d.severity == Severity::Error ? text::format(N_(": error: %s"), d.message)
                                         : text::format(N_(": warning: %s"), d.message);
    return out;
}

bool has_errors(const Diagnostics& ds) {
    return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace ttbus::types
