// The in-memory type database: ptypes and otypes as signatures.
// A TypeDb is an immutable snapshot; reloading types builds a new one and hands it to the engine.
#pragma once

#include "wire_types.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ttbus::core {

struct SignatureArg {
    Mode mode = Mode::UNDEFINED;
    std::string vtype;
    std::string name;  // documentation only
    Value value;       // the classic format can carry one; matching treats it like a pattern value
    bool operator==(const SignatureArg&) const = default;
};

struct Signature {
    Category category = Category::HANDLE;
    Scope scope = Scope::BOTH;  // the classic default when no scope keyword is written
    Class cls = Class::UNDEFINED;  // the type language never sets one: matches every class
    std::string op;
    std::vector<SignatureArg> args;   // empty: matches a message with any args
    std::vector<std::string> contexts;  // slot names, kept sorted
    Disposition disposition = Disposition::DISCARD;
    std::int32_t opnum = -1;
    std::string ptype;        // the ptype that handles/observes (for otype signatures: the implementing ptype)
    std::string otype;        // set for otype signatures
    std::string super_otype;  // the `from` otype of an otype signature
    bool operator==(const Signature&) const = default;
};

struct Ptype {
    std::string id;
    std::string start;  // start string, run with /bin/sh -c; empty: cannot be started
    std::vector<std::pair<std::string, std::string>> properties;  // classic props (start, per_file, per_session)
    std::vector<Signature> signatures;  // all sections; Signature::category tells which
    // ttbus extension: a systemd user unit to start instead of the start string.
    std::string unit;
    // ttbus extension: the ptype's "x-*" members from a JSON type file (e.g. "x-dbus", a D-Bus binding
    // per op), kept as compact JSON object text for the layers that understand them; "" when none.
    std::string extensions;
    bool operator==(const Ptype&) const = default;
};

struct Otype {
    std::string id;
    std::vector<std::string> parents;
    std::vector<Signature> signatures;  // its own (including overrides of inherited ones)
    bool operator==(const Otype&) const = default;
};

class TypeDb {
public:
    // Builds the indexes. Inherited otype signatures are resolved here: an otype matches its own
    // signatures and every ancestor signature it does not override (same op, args and contexts),
    // the inherited copies carrying the derived otype's id.
    static std::shared_ptr<const TypeDb> build(std::vector<Ptype> ptypes, std::vector<Otype> otypes);

    const Ptype* find_ptype(std::string_view id) const;
    const Otype* find_otype(std::string_view id) const;
    const std::vector<Ptype>& ptypes() const { return ptypes_; }
    const std::vector<Otype>& otypes() const { return otypes_; }

    // Signatures of all ptypes (not otypes) for an op, in definition order.
    const std::vector<const Signature*>& ptype_signatures(std::string_view op) const;
    // The signatures (own and inherited) an otype answers for an op.
    std::vector<const Signature*> otype_signatures(std::string_view otype, std::string_view op) const;
    // Everything that declaring a ptype turns into patterns: its own signatures and the otype
    // signatures it implements.
    std::vector<const Signature*> declared_signatures(std::string_view ptype) const;
    // Ancestors of an otype, nearest first, without duplicates.
    std::vector<std::string> ancestors(std::string_view otype) const;

private:
    std::vector<Ptype> ptypes_;
    std::vector<Otype> otypes_;
    std::unordered_map<std::string, std::size_t> ptype_index_;
    std::unordered_map<std::string, std::size_t> otype_index_;
    std::unordered_map<std::string, std::vector<const Signature*>> by_op_;
    std::vector<Signature> inherited_;  // resolved copies of inherited otype signatures
    std::unordered_map<std::string, std::vector<const Signature*>> otype_effective_;
};

}  // namespace ttbus::core
