// A pattern: what a procid wants to handle or observe. Every attribute is a set; an empty set
// is a wildcard, except scopes (a pattern without scopes never matches).
#pragma once

#include "enums.h"
#include "value.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ttbus::protocol {

// A set of enum values, stored as 1 << value like the classic server.
template <typename E>
class EnumSet {
public:
    EnumSet() = default;
    EnumSet(std::initializer_list<E> values) {
        for (E v : values) add(v);
    }
    void add(E v) { bits_ |= bit(v); }
    void remove(E v) { bits_ &= ~bit(v); }
    bool contains(E v) const { return (bits_ & bit(v)) != 0; }
    bool empty() const { return bits_ == 0; }
    std::uint32_t bits() const { return bits_; }
    static EnumSet from_bits(std::uint32_t b) { EnumSet s; s.bits_ = b; return s; }
    bool operator==(const EnumSet&) const = default;

private:
    static std::uint32_t bit(E v) { return 1u << static_cast<std::uint32_t>(v); }
    std::uint32_t bits_ = 0;
};

struct PatternArg {
    Mode mode = Mode::UNDEFINED;
    std::string vtype;  // "ALL" matches any vtype
    Value value;        // unset: matches any value
    bool operator==(const PatternArg&) const = default;
};

struct PatternContext {
    std::string slot;
    std::vector<Value> values;  // empty: the slot must be present, any value
    bool operator==(const PatternContext&) const = default;
};

using PatternId = std::uint64_t;

struct Pattern {
    Category category = Category::LAST;  // classic default: registering fails until set
    EnumSet<Scope> scopes;
    EnumSet<Class> classes;
    EnumSet<State> states;
    EnumSet<Address> addresses;
    EnumSet<Disposition> dispositions;
    std::vector<std::string> ops;
    std::vector<std::int32_t> opnums;  // stored and shown, never used in matching (as classic)
    std::vector<std::string> sessions;
    std::vector<std::string> files;
    std::vector<std::string> objects;
    std::vector<std::string> otypes;
    std::vector<std::string> senders;
    std::vector<std::string> sender_ptypes;
    std::vector<std::string> handlers;
    std::vector<std::string> handler_ptypes;
    std::vector<PatternArg> args;  // a prefix of the message's args
    std::vector<PatternContext> contexts;
    bool operator==(const Pattern&) const = default;
};

}  // namespace ttbus::protocol
