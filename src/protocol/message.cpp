#include "message.h"

#include <algorithm>

namespace ttbus::protocol {

void normalize_contexts(std::vector<Context>& contexts) {
    // Stable sort then keep the last value given for each slot, as a setter would.
    std::stable_sort(contexts.begin(), contexts.end(),
                     [](const Context& a, const Context& b) { return a.slot < b.slot; });
    std::vector<Context> out;
    out.reserve(contexts.size());
    for (auto& c : contexts) {
        if (!out.empty() && out.back().slot == c.slot) {
            out.back() = std::move(c);
        } else {
            out.push_back(std::move(c));
        }
    }
    contexts = std::move(out);
}

const Context* find_context(const std::vector<Context>& contexts, std::string_view slot) {
    auto it = std::lower_bound(contexts.begin(), contexts.end(), slot,
                               [](const Context& c, std::string_view s) { return c.slot < s; });
    return (it != contexts.end() && it->slot == slot) ? &*it : nullptr;
}

}  // namespace ttbus::protocol
