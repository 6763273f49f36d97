#include "typedb.h"

#include <algorithm>
#include <deque>
#include <unordered_set>

namespace ttbus::core {

namespace {

bool same_interface(const Signature& a, const Signature& b) {
    if (a.op != b.op || a.contexts != b.contexts || a.args.size() != b.args.size()) return false;
    for (std::size_t i = 0; i < a.args.size(); ++i) {
        if (a.args[i].mode != b.args[i].mode || a.args[i].vtype != b.args[i].vtype) return false;
    }
    return true;
}

const std::vector<const Signature*> no_signatures;

}  // namespace

std::shared_ptr<const TypeDb> TypeDb::build(std::vector<Ptype> ptypes, std::vector<Otype> otypes) {
    auto db = std::shared_ptr<TypeDb>(new TypeDb());
    db->ptypes_ = std::move(ptypes);
    db->otypes_ = std::move(otypes);
    for (std::size_t i = 0; i < db->ptypes_.size(); ++i) db->ptype_index_.emplace(db->ptypes_[i].id, i);
    for (std::size_t i = 0; i < db->otypes_.size(); ++i) db->otype_index_.emplace(db->otypes_[i].id, i);

    for (auto& p : db->ptypes_) {
        for (auto& s : p.signatures) {
            s.ptype = p.id;
            std::sort(s.contexts.begin(), s.contexts.end());
            db->by_op_[s.op].push_back(&s);
        }
    }

    // Resolve inheritance first into a staging list, then take stable pointers.
    struct Pending { std::size_t otype; Signature sig; };
    std::vector<Pending> staged;
    for (std::size_t oi = 0; oi < db->otypes_.size(); ++oi) {
        auto& o = db->otypes_[oi];
        for (auto& s : o.signatures) {
            s.otype = o.id;
            if (s.super_otype.empty()) s.super_otype = o.id;
            std::sort(s.contexts.begin(), s.contexts.end());
        }
    }
    for (std::size_t oi = 0; oi < db->otypes_.size(); ++oi) {
        const auto& o = db->otypes_[oi];
        std::vector<const Signature*> have;
        for (const auto& s : o.signatures) have.push_back(&s);
        for (const auto& anc : db->ancestors(o.id)) {
            const Otype* parent = db->find_otype(anc);
            if (parent == nullptr) continue;
            for (const auto& ps : parent->signatures) {
                bool overridden = std::any_of(have.begin(), have.end(), [&](const Signature* h) {
                    return h->category == ps.category && same_interface(*h, ps);
                });
                if (overridden) continue;
                Signature copy = ps;
                copy.otype = o.id;
                staged.push_back({oi, copy});
                have.push_back(&ps);
            }
        }
    }
    db->inherited_.reserve(staged.size());
    for (auto& p : staged) db->inherited_.push_back(std::move(p.sig));
    for (std::size_t oi = 0; oi < db->otypes_.size(); ++oi) {
        auto& eff = db->otype_effective_[db->otypes_[oi].id];
        for (const auto& s : db->otypes_[oi].signatures) eff.push_back(&s);
    }
    for (std::size_t i = 0; i < staged.size(); ++i) {
        db->otype_effective_[db->otypes_[staged[i].otype].id].push_back(&db->inherited_[i]);
    }
    return db;
}

const Ptype* TypeDb::find_ptype(std::string_view id) const {
    auto it = ptype_index_.find(std::string(id));
    return it == ptype_index_.end() ? nullptr : &ptypes_[it->second];
}

const Otype* TypeDb::find_otype(std::string_view id) const {
    auto it = otype_index_.find(std::string(id));
    return it == otype_index_.end() ? nullptr : &otypes_[it->second];
}

const std::vector<const Signature*>& TypeDb::ptype_signatures(std::string_view op) const {
    auto it = by_op_.find(std::string(op));
    return it == by_op_.end() ? no_signatures : it->second;
}

std::vector<const Signature*> TypeDb::otype_signatures(std::string_view otype, std::string_view op) const {
    std::vector<const Signature*> out;
    auto it = otype_effective_.find(std::string(otype));
    if (it == otype_effective_.end()) return out;
    for (const Signature* s : it->second) {
        if (s->op == op) out.push_back(s);
    }
    return out;
}

std::vector<const Signature*> TypeDb::declared_signatures(std::string_view ptype) const {
    std::vector<const Signature*> out;
    if (const Ptype* p = find_ptype(ptype)) {
        for (const auto& s : p->signatures) out.push_back(&s);
    }
    for (const auto& o : otypes_) {  // definition order keeps pattern creation deterministic
        for (const Signature* s : otype_effective_.at(o.id)) {
            if (s->ptype == ptype) out.push_back(s);
        }
    }
    return out;
}

std::vector<std::string> TypeDb::ancestors(std::string_view otype) const {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen{std::string(otype)};
    std::deque<std::string> todo{std::string(otype)};
    while (!todo.empty()) {
        const Otype* o = find_otype(todo.front());
        todo.pop_front();
        if (o == nullptr) continue;
        for (const auto& p : o->parents) {
            if (seen.insert(p).second) {
                out.push_back(p);
                todo.push_back(p);
            }
        }
    }
    return out;
}

}  // namespace ttbus::core
