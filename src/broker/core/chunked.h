// Small containers for the pattern store, whose tables grow to 100,000 entries and more.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ttbus::core {

// A growable array in fixed chunks: no spare capacity beyond the last chunk, no copy of the
// whole table on growth (and so no freed buffer of the old size left in the heap).
template <typename T, std::size_t chunk = 256>
class ChunkedVector {
public:
    T& operator[](std::size_t i) { return chunks_[i / chunk][i % chunk]; }
    const T& operator[](std::size_t i) const { return chunks_[i / chunk][i % chunk]; }
    std::size_t size() const { return size_; }
    T& emplace_back() {
        if (size_ % chunk == 0) chunks_.push_back(std::make_unique<T[]>(chunk));
        return (*this)[size_++];
    }
    void grow_to(std::size_t n) {
        while (size_ < n) emplace_back();
    }

private:
    std::vector<std::unique_ptr<T[]>> chunks_;
    std::size_t size_ = 0;
};

// A list of 32-bit numbers in insertion order that keeps one inline: most ops have a single
// pattern, and a heap block for it would cost more than the entry.
class SmallList {
public:
    using Item = std::uint32_t;
    const Item* begin() const { return many_ ? many_.get() : &one_; }
    const Item* end() const { return begin() + size_; }
    void push_back(Item v) {
        if (size_ == 0) {
            one_ = v;
        } else {
            if (size_ == 1 && !many_) spill(4);
            if (size_ == capacity_) spill(capacity_ * 2);
            many_[size_] = v;
        }
        ++size_;
    }
    // Removes the first v, keeping the order of the rest.
    void erase(Item v) {
        Item* data = many_ ? many_.get() : &one_;
        Item* at = std::find(data, data + size_, v);
        if (at == data + size_) return;
        std::copy(at + 1, data + size_, at);
        if (--size_ <= 1 && many_) {  // back inline: a list that shrank gives its block back
            one_ = many_[0];
            many_.reset();
            capacity_ = 1;
        }
    }

private:
    void spill(std::uint32_t capacity) {
        auto block = std::make_unique<Item[]>(capacity);
        std::copy(begin(), end(), block.get());
        many_ = std::move(block);
        capacity_ = capacity;
    }

    std::unique_ptr<Item[]> many_;  // null while at most one
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 1;
    Item one_ = 0;
};

}  // namespace ttbus::core
