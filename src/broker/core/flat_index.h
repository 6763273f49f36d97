// A hash set of 32-bit indices whose keys live elsewhere (in the atom or the pattern table):
// open addressing with linear probing, 4 bytes a slot where a node-based map would spend a
// heap node per entry. The caller hashes and compares; erasing shifts later entries back, so
// lookups never meet tombstones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ttbus::core {

class FlatIndex {
public:
    static constexpr std::uint32_t npos = ~std::uint32_t{0};

    // The stored index for which equals(index) holds, npos if none.
    template <typename Equals>
    std::uint32_t find(std::size_t hash, Equals&& equals) const {
        if (slots_.empty()) return npos;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const std::uint32_t v = slots_[i];
            if (v == npos || equals(v)) return v;
        }
    }

    // hash_of(index) gives the hash of a stored index (growing rehashes them all).
    template <typename HashOf>
    void insert(std::uint32_t value, HashOf&& hash_of) {
        if ((count_ + 1) * 4 > slots_.size() * 3) grow(hash_of);
        place(value, hash_of(value));
        ++count_;
    }

    template <typename HashOf>
    void erase(std::uint32_t value, HashOf&& hash_of) {
        const std::size_t mask = slots_.size() - 1;
        std::size_t hole = hash_of(value) & mask;
        while (slots_[hole] != value) hole = (hole + 1) & mask;
        // Move back every later entry of the run that may sit in the hole: one whose home slot
        // does not lie (cyclically) after the hole.
        for (std::size_t j = (hole + 1) & mask; slots_[j] != npos; j = (j + 1) & mask) {
            const std::size_t home = hash_of(slots_[j]) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = npos;
        --count_;
    }

private:
    void place(std::uint32_t value, std::size_t hash) {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = hash & mask;
        while (slots_[i] != npos) i = (i + 1) & mask;
        slots_[i] = value;
    }

    template <typename HashOf>
    void grow(HashOf& hash_of) {
        std::vector<std::uint32_t> old(slots_.empty() ? 16 : slots_.size() * 2, npos);
        old.swap(slots_);
        for (std::uint32_t v : old) {
            if (v != npos) place(v, hash_of(v));
        }
    }

    std::vector<std::uint32_t> slots_;  // a power of two in size, at most 3/4 full
    std::size_t count_ = 0;
};

}  // namespace ttbus::core
