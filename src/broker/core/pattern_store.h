// The engine's registered patterns, kept small: a broker may hold 100,000 of them.
//
// A pattern is a fixed record (id, owner, category, enum sets, ptype) plus one allocation of
// 32-bit words for all its lists, in which every string is an interned atom. The op index
// and the id index hold 32-bit slot numbers. Pattern, with its vectors of strings, is only
// the shape patterns come in and are shown in.
#pragma once

#include "atoms.h"
#include "chunked.h"
#include "flat_index.h"
#include "wire_types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::core {

class PatternStore {
public:
    using Slot = std::uint32_t;
    static constexpr Slot npos = FlatIndex::npos;

    struct Record {
        PatternId id = 0;
        std::uint64_t stamp = 0;             // PUSH: registration time; ROTATE: last time chosen
        const std::string* owner = nullptr;  // the owning procid's id, kept in place by the engine
        std::unique_ptr<std::uint32_t[]> lists;  // see pattern_store.cpp; null when all are empty
        Category category = Category::LAST;
        EnumSet<Scope> scopes;
        EnumSet<Class> classes;
        EnumSet<State> states;
        EnumSet<Address> addresses;
        EnumSet<Disposition> dispositions;
        AtomId ptype = Atoms::none;  // the ptype whose declaration generated it; none if registered
        bool static_observer() const { return ptype != Atoms::none && category == Category::OBSERVE; }
    };

    // An empty ptype means a registered pattern.
    Slot add(PatternId id, const std::string* owner, std::string_view ptype, std::uint64_t stamp,
             const Pattern& pattern);
    void remove(Slot slot);
    Slot find(PatternId id) const;
    Record& operator[](Slot slot) { return records_[slot]; }
    const Record& operator[](Slot slot) const { return records_[slot]; }

    // The pattern as it was registered, with the lists as they are now.
    Pattern pattern(Slot slot) const;
    // Replaces the lists (after a join or a context change); the ops must stay the same.
    void set_lists(Slot slot, const Pattern& pattern);
    std::string_view ptype(Slot slot) const { return atoms_.text(records_[slot].ptype); }
    const Atoms& atoms() const { return atoms_; }  // what is interned, for tests

    int score(Slot slot, const MessageBody& body, const MessageHeader& header) const;

    // Candidates in classic scan order: op-less patterns, then those for the op; newest first.
    template <typename F>
    void for_each_candidate(std::string_view op, F&& f) const {
        for (auto it = opless_.rbegin(); it != opless_.rend(); ++it) f(*it);
        const AtomId a = atoms_.find(op);
        if (a == Atoms::none || a >= by_op_.size()) return;
        const SmallList& bucket = by_op_[a];
        for (const Slot* it = bucket.end(); it != bucket.begin();) f(*--it);
    }

private:
    std::size_t hash_of(Slot slot) const;
    std::vector<AtomId> distinct_ops(const Record& r) const;

    Atoms atoms_;
    ChunkedVector<Record> records_;
    std::vector<Slot> free_;
    FlatIndex by_id_;
    ChunkedVector<SmallList> by_op_;  // by op atom, in registration order
    std::vector<Slot> opless_;              // in registration order
};

}  // namespace ttbus::core
