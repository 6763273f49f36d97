#include "atoms.h"

#include <functional>

namespace ttbus::core {

Atoms::Atoms() { entries_.emplace_back(); }

std::uint32_t Atoms::hash(std::string_view s) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(s));
}

AtomId Atoms::find(std::string_view s) const {
    const std::uint32_t h = hash(s);
    const AtomId id = index_.find(h, [&](AtomId a) { return entries_[a].hash == h && entries_[a].text == s; });
    return id == FlatIndex::npos ? none : id;
}

AtomId Atoms::intern(std::string_view s) {
    const std::uint32_t h = hash(s);
    AtomId id = index_.find(h, [&](AtomId a) { return entries_[a].hash == h && entries_[a].text == s; });
    if (id == FlatIndex::npos) {
        if (free_.empty()) {
            id = static_cast<AtomId>(entries_.size());
            entries_.emplace_back();
        } else {
            id = free_.back();
            free_.pop_back();
        }
        entries_[id].text = s;
        entries_[id].hash = h;
        index_.insert(id, [this](AtomId a) { return hash_of(a); });
    }
    ++entries_[id].refs;
    return id;
}

void Atoms::release(AtomId id) {
    Entry& e = entries_[id];
    if (--e.refs != 0) return;
    index_.erase(id, [this](AtomId a) { return hash_of(a); });
    std::string().swap(e.text);  // give back a long string's buffer now, not at reuse
    free_.push_back(id);
}

}  // namespace ttbus::core
