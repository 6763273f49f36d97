#include "storage.h"

#include <Tt/tt_c.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// One entry per block or mark, oldest first. A mark has no block.
struct Entry {
    void* block;
    int mark;
};

// Never destroyed: blocks stay valid (and reachable) until the process ends, also while other
// static destructors run.
std::vector<Entry>& stack() {
    static auto* entries = new std::vector<Entry>;
    return *entries;
}

int last_mark = 0;

}  // namespace

namespace ttc {

char* stack_string(std::string_view s) {
    return reinterpret_cast<char*>(stack_bytes(s));
}

unsigned char* stack_bytes(std::string_view bytes) {
    auto* p = reinterpret_cast<unsigned char*>(tt_malloc(bytes.size() + 1));
    if (p == nullptr) return nullptr;
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    p[bytes.size()] = 0;
    return p;
}

}  // namespace ttc

extern "C" {

int tt_mark(void) {
    stack().push_back({nullptr, ++last_mark});
    return last_mark;
}

void tt_release(int mark) {
    auto& s = stack();
    for (std::size_t i = s.size(); i-- > 0;) {
        if (s[i].block != nullptr || s[i].mark != mark) continue;
        for (std::size_t j = i + 1; j < s.size(); ++j) std::free(s[j].block);
        s.resize(i);
        return;
    }
}

caddr_t tt_malloc(size_t size) {
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) return nullptr;
    stack().push_back({p, 0});
    return static_cast<caddr_t>(p);
}

void tt_free(caddr_t p) {
    if (p == nullptr) return;
    auto& s = stack();
    // Newest first: programs mostly free what they got last.
    for (std::size_t i = s.size(); i-- > 0;) {
        if (s[i].block != p) continue;
        std::free(p);
        s.erase(s.begin() + static_cast<std::ptrdiff_t>(i));
        return;
    }
}

}  // extern "C"
