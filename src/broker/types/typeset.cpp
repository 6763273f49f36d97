#include "typeset.h"

#include "text.h"

#include "vocabulary.h"

#include <algorithm>
#include <set>

namespace ttbus::types {

namespace {

template <typename T>
T* find_by_id(std::vector<T>& v, std::string_view id) {
    auto it = std::find_if(v.begin(), v.end(), [&](const T& t) { return t.id == id; });
    return it == v.end() ? nullptr : &*it;
}

constexpr std::string_view unit_prefix = "systemd-unit:";

int property_rank(const std::string& name) {
    if (name == "start") return 0;
    if (name == "per_file") return 1;
    if (name == "per_session") return 2;
    return 3;
}

void normalize_signatures(std::vector<core::Signature>& sigs) {
    std::stable_partition(sigs.begin(), sigs.end(),
                          [](const core::Signature& s) { return s.category != core::Category::OBSERVE; });
    for (auto& s : sigs) std::sort(s.contexts.begin(), s.contexts.end());
}

template <typename T>
void merge_list(std::vector<T>& base, const std::vector<T>& add, MergeMode mode, std::vector<std::string>& clashes) {
    for (const auto& t : add) {
        if (T* old = find_by_id(base, t.id)) {
            clashes.push_back(t.id);
            if (mode == MergeMode::Overwrite) *old = t;
        } else {
            base.push_back(t);
        }
    }
}

}  // namespace

core::Ptype* TypeSet::find_ptype(std::string_view id) { return find_by_id(ptypes, id); }
const core::Ptype* TypeSet::find_ptype(std::string_view id) const {
    return const_cast<TypeSet*>(this)->find_ptype(id);
}
core::Otype* TypeSet::find_otype(std::string_view id) { return find_by_id(otypes, id); }
const core::Otype* TypeSet::find_otype(std::string_view id) const {
    return const_cast<TypeSet*>(this)->find_otype(id);
}

// A ptype that names a systemd unit and has no command: in classic files (which have no unit
// field) it is written as the start string "systemd-unit:NAME"; either form reads as the other.
void unit_as_start_string(core::Ptype& p) {
    if (p.unit.empty() && p.start.compare(0, unit_prefix.size(), unit_prefix) == 0) {
        p.unit = p.start.substr(unit_prefix.size());
        p.start.clear();
    }
    if (p.unit.empty() || !p.start.empty()) return;
    auto start = std::find_if(p.properties.begin(), p.properties.end(), [](const auto& kv) { return kv.first == "start"; });
    if (start == p.properties.end()) {
        p.properties.emplace_back("start", std::string(unit_prefix) + p.unit);
    } else {
        start->second = std::string(unit_prefix) + p.unit;
    }
}

namespace {

std::string not_a_name(std::string_view what, const std::string& n) {
    // TRANSLATORS: the first %s is a word of the types language (op, vtype, ptype, ...).
    return is_name(n) ? std::string() : text::format(N_("%s '%s' is not a name"), what, n);
}

std::string unrepresentable(const core::Signature& s) {
    std::string e = not_a_name("op", s.op);
    if (e.empty() && s.opnum < -1) e = text::format(N_("opnum %s is negative"), std::to_string(s.opnum));  // -1: none
    if (e.empty() && (s.category == core::Category::UNDEFINED || s.category == core::Category::LAST)) {
        e = text::translate(N_("no category"));  // the source names a section for each
    }
    for (const auto& a : s.args) {
        if (e.empty() && a.mode != core::Mode::IN && a.mode != core::Mode::OUT && a.mode != core::Mode::INOUT) {
            e = text::translate(N_("an argument has no mode"));
        }
        if (e.empty()) e = not_a_name("vtype", a.vtype);
        if (e.empty()) e = not_a_name("argument name", a.name);
    }
    for (const auto& c : s.contexts) {
        if (e.empty()) e = not_a_name("context slot", c);
    }
    if (e.empty() && !s.ptype.empty()) e = not_a_name("ptype", s.ptype);
    if (e.empty() && !s.super_otype.empty()) e = not_a_name("otype", s.super_otype);
    return e.empty() ? e : text::format(N_("signature %s: %s"), s.op, e);
}

// The parent chain of `id` reaches `id` again.
bool own_ancestor(const TypeSet& set, const std::string& id) {
    std::set<std::string> seen;
    std::vector<std::string> todo{id};
    while (!todo.empty()) {
        const core::Otype* o = set.find_otype(todo.back());
        todo.pop_back();
        for (const auto& parent : o ? o->parents : std::vector<std::string>{}) {
            if (parent == id) return true;
            if (seen.insert(parent).second) todo.push_back(parent);
        }
    }
    return false;
}

}  // namespace

std::string unrepresentable(const TypeSet& set) {
    std::set<std::string> ids;
    for (const auto& p : set.ptypes) {
        if (std::string e = not_a_name("ptype", p.id); !e.empty()) return e;
        if (!ids.insert(p.id).second) return text::format(N_("ptype '%s' is defined twice"), p.id);
        std::set<std::string> names;
        for (const auto& [name, value] : p.properties) {
            if (property_rank(name) > 2) return text::format(N_("ptype '%s' has a property '%s'"), p.id, name);
            if (!names.insert(name).second) return text::format(N_("ptype '%s' has two %s properties"), p.id, name);
            if (value.find_first_of(std::string("\"\0", 2)) != std::string::npos) {  // a source string ends at '"'
                return text::format(N_("ptype '%s' has a %s value with a '\"' or a NUL"), p.id, name);
            }
        }
        for (const auto& s : p.signatures) {
            // `from` belongs to otype signatures; the writer has no place for it in a ptype's.
            std::string e = s.super_otype.empty() ? unrepresentable(s)
                                                  : text::format(N_("signature %s: 'from' outside an otype"), s.op);
            if (!e.empty()) return text::format(N_("ptype '%s': %s"), p.id, e);
        }
    }
    ids.clear();
    for (const auto& o : set.otypes) {
        if (std::string e = not_a_name("otype", o.id); !e.empty()) return e;
        if (!ids.insert(o.id).second) return text::format(N_("otype '%s' is defined twice"), o.id);
        for (const auto& parent : o.parents) {
            if (std::string e = not_a_name("parent otype", parent); !e.empty()) return text::format(N_("otype '%s': %s"), o.id, e);
        }
        if (own_ancestor(set, o.id)) return text::format(N_("otype '%s' inherits from itself (inheritance cycle)"), o.id);
        for (const auto& s : o.signatures) {
            std::string e = s.ptype.empty() ? text::format(N_("signature %s: no ptype"), s.op) : unrepresentable(s);
            if (!e.empty()) return text::format(N_("otype '%s': %s"), o.id, e);
        }
    }
    return {};
}

void normalize(TypeSet& set) {
    for (auto& p : set.ptypes) {
        unit_as_start_string(p);
        normalize_signatures(p.signatures);
        for (auto& s : p.signatures) s.ptype = p.id;
        std::stable_sort(p.properties.begin(), p.properties.end(),
                         [](const auto& a, const auto& b) { return property_rank(a.first) < property_rank(b.first); });
    }
    for (auto& o : set.otypes) {
        normalize_signatures(o.signatures);
        for (auto& s : o.signatures) {
            s.otype = o.id;
            if (s.super_otype.empty()) s.super_otype = o.id;
        }
    }
}

std::vector<std::string> merge(TypeSet& base, const TypeSet& add, MergeMode mode) {
    std::vector<std::string> clashes;
    merge_list(base.ptypes, add.ptypes, mode, clashes);
    merge_list(base.otypes, add.otypes, mode, clashes);
    return clashes;
}

std::vector<std::string> remove(TypeSet& set, const std::vector<std::string>& ids) {
    std::vector<std::string> unknown;
    for (const auto& id : ids) {
        auto before = set.ptypes.size() + set.otypes.size();
        std::erase_if(set.ptypes, [&](const core::Ptype& p) { return p.id == id; });
        std::erase_if(set.otypes, [&](const core::Otype& o) { return o.id == id; });
        if (set.ptypes.size() + set.otypes.size() == before) unknown.push_back(id);
    }
    return unknown;
}

std::shared_ptr<const core::TypeDb> build(const TypeSet& set) {
    return core::TypeDb::build(set.ptypes, set.otypes);
}

}  // namespace ttbus::types
