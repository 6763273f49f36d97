#include "semantic_check.h"

#include "text.h"

#include "vocabulary.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <set>

namespace ttbus::types {

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

bool is_handler(const core::Signature& s) { return s.category != core::Category::OBSERVE; }

// Handler signatures a dispatcher could not tell apart.
bool indistinguishable(const core::Signature& a, const core::Signature& b) {
    return is_handler(a) && is_handler(b) && a.scope == b.scope && same_interface(a, b);
}

std::string where_text(const Location& l) {
    return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

class Checker {
public:
    Checker(ParsedTypes& parsed, const TypeSet& known) : p_(parsed), known_(known) {}

    void run() {
        duplicates();
        parents();
        if (failed_) return;
        if (!acyclic()) return;
        for (std::size_t i : parents_first()) otype_signatures(i);
        ptype_signatures();
    }

    bool failed() const { return failed_; }

private:
    void error(const Location& at, std::string msg) {
        failed_ = true;
        p_.diagnostics.push_back({Severity::Error, at, std::move(msg)});
    }
    void warning(const Location& at, std::string msg) {
        p_.diagnostics.push_back({Severity::Warning, at, std::move(msg)});
    }

    const core::Otype* otype(std::string_view id) const {
        if (const auto* o = p_.types.find_otype(id)) return o;
        return known_.find_otype(id);
    }
    bool ptype_exists(std::string_view id) const {
        return p_.types.find_ptype(id) != nullptr || known_.find_ptype(id) != nullptr;
    }

    void duplicates() {
        auto& ts = p_.types;
        for (std::size_t i = 0; i < ts.ptypes.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                if (ts.ptypes[j].id == ts.ptypes[i].id) {
                    error(p_.where.ptypes[i], text::format(N_("ptype '%s' is already defined at %s"), ts.ptypes[i].id,
                                                           where_text(p_.where.ptypes[j])));
                    break;
                }
            }
        }
        for (std::size_t i = 0; i < ts.otypes.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                if (ts.otypes[j].id == ts.otypes[i].id) {
                    error(p_.where.otypes[i], text::format(N_("otype '%s' is already defined at %s"), ts.otypes[i].id,
                                                           where_text(p_.where.otypes[j])));
                    break;
                }
            }
        }
    }

    void parents() {
        for (std::size_t i = 0; i < p_.types.otypes.size(); ++i) {
            const auto& o = p_.types.otypes[i];
            for (std::size_t k = 0; k < o.parents.size(); ++k) {
                if (otype(o.parents[k]) == nullptr) {
                    error(p_.where.otype_parents[i][k],
                          text::format(N_("otype '%s' names parent otype '%s', which is not defined"), o.id,
                                       o.parents[k]));
                }
            }
        }
    }

    bool acyclic() {
        for (std::size_t i = 0; i < p_.types.otypes.size(); ++i) {
            const std::string& self = p_.types.otypes[i].id;
            std::set<std::string> seen;
            std::deque<std::string> todo{self};
            while (!todo.empty()) {
                const core::Otype* o = otype(todo.front());
                todo.pop_front();
                for (const auto& parent : o ? o->parents : std::vector<std::string>{}) {
                    if (parent == self) {
                        error(p_.where.otypes[i],
                              text::format(N_("otype '%s' inherits from itself (inheritance cycle)"), self));
                        return false;
                    }
                    if (seen.insert(parent).second) todo.push_back(parent);
                }
            }
        }
        return true;
    }

    std::vector<std::string> ancestors(const core::Otype& o) const {
        std::vector<std::string> out;
        std::deque<std::string> todo(o.parents.begin(), o.parents.end());
        while (!todo.empty()) {
            std::string id = todo.front();
            todo.pop_front();
            if (std::find(out.begin(), out.end(), id) != out.end()) continue;
            out.push_back(id);
            if (const auto* a = otype(id)) todo.insert(todo.end(), a->parents.begin(), a->parents.end());
        }
        return out;
    }

    // Source otypes ordered so that a parent comes before its children (pure inheritance copies
    // from resolved parents).
    std::vector<std::size_t> parents_first() const {
        std::vector<std::size_t> order;
        std::vector<bool> done(p_.types.otypes.size(), false);
        std::function<void(std::size_t)> visit = [&](std::size_t i) {
            if (done[i]) return;
            done[i] = true;
            for (const auto& parent : p_.types.otypes[i].parents) {
                for (std::size_t j = 0; j < p_.types.otypes.size(); ++j) {
                    if (p_.types.otypes[j].id == parent) visit(j);
                }
            }
            order.push_back(i);
        };
        for (std::size_t i = 0; i < p_.types.otypes.size(); ++i) visit(i);
        return order;
    }

    // The signature of `parent` (or of its ancestors) that `s` inherits.
    const core::Signature* inherited(const std::string& parent, const core::Signature& s) const {
        std::vector<std::string> line{parent};
        if (const auto* o = otype(parent)) {
            auto more = ancestors(*o);
            line.insert(line.end(), more.begin(), more.end());
        }
        for (const auto& id : line) {
            const auto* o = otype(id);
            if (o == nullptr) continue;
            for (const auto& cand : o->signatures) {
                if (!cand.ptype.empty() && same_interface(cand, s)) return &cand;
            }
        }
        return nullptr;
    }

    void otype_signatures(std::size_t oi) {
        auto& o = p_.types.otypes[oi];
        const auto anc = ancestors(o);
        for (std::size_t si = 0; si < o.signatures.size(); ++si) {
            auto& s = o.signatures[si];
            const Location& at = p_.where.otype_signatures[oi][si];
            const bool pure = s.ptype.empty();
            if (pure || (!s.super_otype.empty() && s.super_otype != o.id)) {
                if (std::find(anc.begin(), anc.end(), s.super_otype) == anc.end()) {
                    error(at, text::format(N_("signature %s in otype '%s' inherits from '%s', which is not an "
                                              "ancestor of '%s'"),
                                           describe_interface(s), o.id, s.super_otype, o.id));
                    continue;
                }
                const core::Signature* from = inherited(s.super_otype, s);
                if (from == nullptr) {
                    error(at, text::format(N_("inherited signature %s in otype '%s' does not exist in parent '%s'"),
                                           describe_interface(s), o.id, s.super_otype));
                    continue;
                }
                if (pure) {
                    s.scope = from->scope;
                    s.disposition = from->disposition;
                    s.opnum = from->opnum;
                    s.ptype = from->ptype;
                }
            }
            if (!ptype_exists(s.ptype)) {
                error(at, text::format(N_("signature %s in otype '%s' names ptype '%s', which is not defined"),
                                       describe_interface(s), o.id, s.ptype));
            }
            for (std::size_t k = 0; k < si; ++k) {
                if (indistinguishable(o.signatures[k], s)) {
                    warning(at, text::format(N_("otype '%s' defines handler %s twice (first at %s)"), o.id,
                                             describe_interface(s), where_text(p_.where.otype_signatures[oi][k])));
                    break;
                }
            }
        }
    }

    void ptype_signatures() {
        const auto& ps = p_.types.ptypes;
        for (std::size_t pi = 0; pi < ps.size(); ++pi) {
            for (std::size_t si = 0; si < ps[pi].signatures.size(); ++si) {
                const auto& s = ps[pi].signatures[si];
                const Location& at = p_.where.ptype_signatures[pi][si];
                for (std::size_t k = 0; k < si; ++k) {
                    if (indistinguishable(ps[pi].signatures[k], s)) {
                        error(at, text::format(N_("ptype '%s' already has handler signature %s (at %s)"), ps[pi].id,
                                               describe_interface(s), where_text(p_.where.ptype_signatures[pi][k])));
                        break;
                    }
                }
                // The classic compiler reports this but still succeeds; ttbus warns.
                for (std::size_t qi = 0; qi < pi; ++qi) {
                    if (ps[qi].id == ps[pi].id) continue;
                    for (const auto& other : ps[qi].signatures) {
                        if (indistinguishable(other, s)) {
                            warning(at, text::format(N_("ptypes '%s' and '%s' both handle %s"), ps[qi].id, ps[pi].id,
                                                     describe_interface(s)));
                            break;
                        }
                    }
                }
            }
        }
    }

    ParsedTypes& p_;
    const TypeSet& known_;
    bool failed_ = false;
};

}  // namespace

bool same_interface(const core::Signature& a, const core::Signature& b) {
    if (a.op != b.op || a.args.size() != b.args.size()) return false;
    for (std::size_t i = 0; i < a.args.size(); ++i) {
        if (a.args[i].mode != b.args[i].mode || a.args[i].vtype != b.args[i].vtype) return false;
    }
    return sorted(a.contexts) == sorted(b.contexts);
}

std::string describe_interface(const core::Signature& s) {
    std::string out = s.op + "(";
    for (std::size_t i = 0; i < s.args.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::string(mode_word(s.args[i].mode)) + " " + s.args[i].vtype + " " + s.args[i].name;
    }
    out += ")";
    if (!s.contexts.empty()) {
        out += " context(";
        auto ctx = sorted(s.contexts);
        for (std::size_t i = 0; i < ctx.size(); ++i) out += (i > 0 ? ", " : "") + ctx[i];
        out += ")";
    }
    return out;
}

void check_types(ParsedTypes& parsed, const TypeSet& known) {
    if (!parsed.ok()) return;
    Checker c(parsed, known);
    c.run();
    if (c.failed()) {
        parsed.types = {};
    } else {
        normalize(parsed.types);
    }
}

}  // namespace ttbus::types
