// Interned strings: many patterns name the same ops, vtypes, sessions, ptypes and files, so the
// pattern store keeps each distinct string once and refers to it by a 32-bit id. Ids are
// reference counted and reused once free.
#pragma once

#include "chunked.h"
#include "flat_index.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::core {

using AtomId = std::uint32_t;

class Atoms {
public:
    static constexpr AtomId none = 0;  // never interned; its text is ""

    Atoms();

    // The id of s, with one more reference.
    AtomId intern(std::string_view s);
    // Drops one reference; the last one frees the id.
    void release(AtomId id);
    // The id of s if it is interned, else none.
    AtomId find(std::string_view s) const;
    std::string_view text(AtomId id) const { return entries_[id].text; }
    // One past the highest id in use or free.
    std::size_t id_limit() const { return entries_.size(); }

private:
    struct Entry {
        std::string text;
        std::uint32_t refs = 0;
        std::uint32_t hash = 0;
    };
    static std::uint32_t hash(std::string_view s);
    std::uint32_t hash_of(AtomId id) const { return entries_[id].hash; }

    ChunkedVector<Entry> entries_;
    std::vector<AtomId> free_;
    FlatIndex index_;
};

}  // namespace ttbus::core
