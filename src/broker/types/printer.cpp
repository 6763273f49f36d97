#include "printer.h"

#include "semantic_check.h"
#include "vocabulary.h"

namespace ttbus::types {

namespace {

std::string disposition_words(const core::Signature& s) {
    std::string out;
    if (core::has(s.disposition, core::Disposition::START)) out += " start";
    if (core::has(s.disposition, core::Disposition::QUEUE)) out += " queue";
    if (s.opnum != -1) out += " opnum=" + std::to_string(s.opnum);
    return out;
}

std::string ptype_signature(const core::Signature& s) {
    std::string out = "\t" + std::string(scope_word(s.scope)) + " " + describe_interface(s);
    std::string rhs = disposition_words(s);
    if (!rhs.empty()) out += " =>" + rhs;
    return out + ";\n";
}

std::string otype_signature(const core::Signature& s) {
    return "\t " + describe_interface(s) + " => " + s.ptype + " " + std::string(scope_word(s.scope)) +
           disposition_words(s) + " from " + s.super_otype + ";\n";
}

// Handler sections first, in order, a header whenever the category changes; then observe.
template <typename F>
std::string sections(const std::vector<core::Signature>& sigs, F&& line) {
    std::string out;
    bool first = true;
    core::Category current{};
    for (bool observe : {false, true}) {
        for (const auto& s : sigs) {
            if ((s.category == core::Category::OBSERVE) != observe) continue;
            if (first || s.category != current) out += std::string(category_word(s.category)) + ":\n";
            first = false;
            current = s.category;
            out += line(s);
        }
    }
    return out;
}

}  // namespace

std::string print_types(const TypeSet& set) {
    std::string out;
    for (const auto& p : set.ptypes) {
        out += "ptype " + p.id + " {\n";
        for (const auto& [name, value] : p.properties) out += name + "   \"" + value + "\";\n";
        out += sections(p.signatures, ptype_signature);
        out += "};\n\n";
    }
    for (const auto& o : set.otypes) {
        out += "otype " + o.id;
        if (!o.parents.empty()) {
            out += " :";
            for (const auto& parent : o.parents) out += " " + parent;
        }
        out += " {\n" + sections(o.signatures, otype_signature) + "};\n\n";
    }
    return out;
}

std::string list_ptypes(const TypeSet& set) {
    std::string out;
    for (const auto& p : set.ptypes) out += p.id + "\n";
    return out;
}

std::string list_otypes(const TypeSet& set) {
    std::string out;
    for (const auto& o : set.otypes) out += o.id + "\n";
    return out;
}

}  // namespace ttbus::types
