#include "json_types.h"

#include "text.h"

#include "vocabulary.h"

#include <nlohmann/json.hpp>

#include <set>

namespace ttbus::types {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

struct JsonError {
    std::string pointer;
    std::string message;
};

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    ParsedTypes run(const json& doc) {
        object(doc, "", {"format", "version", "ptypes", "otypes"});
        if (doc.value("format", json()) != "ttbus-types") fail("/format", N_("expected \"ttbus-types\""));
        if (!doc.contains("version") || !doc["version"].is_number_integer()) fail("/version", N_("expected an integer"));
        if (doc["version"].get<std::int64_t>() > json_format_version) {
            fail("/version", N_("version %s is newer than this reader understands (%s)"), doc["version"].dump(),
                 std::to_string(json_format_version));
        }
        for (std::size_t i = 0; const auto& p : array(doc, "", "ptypes")) ptype(p, "/ptypes/" + std::to_string(i++));
        for (std::size_t i = 0; const auto& o : array(doc, "", "otypes")) otype(o, "/otypes/" + std::to_string(i++));
        return std::move(out_);
    }

private:
    // `message` is a text marked with N_, its "%s" filled with `values`.
    template <typename... Values>
    [[noreturn]] void fail(const std::string& pointer, const char* message, const Values&... values) {
        throw JsonError{pointer, text::format(message, values...)};
    }

    Location at(const std::string& pointer) const { return Location{file_, 0, 0, pointer.empty() ? "/" : pointer}; }

    // Checks that `v` is an object whose members are all in `allowed` (or x-* when extensions are allowed).
    void object(const json& v, const std::string& ptr, std::set<std::string> allowed, bool extensions = false) {
        if (!v.is_object()) fail(ptr, N_("expected an object"));
        for (const auto& [key, value] : v.items()) {
            if (allowed.count(key) == 0 && !(extensions && key.starts_with("x-"))) {
                fail(ptr + "/" + key, N_("unknown member \"%s\""), key);
            }
        }
    }

    const json& array(const json& v, const std::string& ptr, const char* key) {
        static const json empty = json::array();
        if (!v.contains(key)) return empty;
        if (!v[key].is_array()) fail(ptr + "/" + key, N_("expected an array"));
        return v[key];
    }

    std::string string(const json& v, const std::string& ptr, const char* key, bool required) {
        if (!v.contains(key)) {
            if (required) fail(ptr, N_("missing member \"%s\""), key);
            return {};
        }
        if (!v[key].is_string()) fail(ptr + "/" + key, N_("expected a string"));
        return v[key].get<std::string>();
    }

    std::string name(const json& v, const std::string& ptr, const char* key, bool required = true) {
        std::string n = string(v, ptr, key, required);
        if ((required || !n.empty()) && !is_name(n)) {
            fail(ptr + "/" + key,
                 N_("\"%s\" is not a name (letters, then letters, digits, '_' or '-'; not a reserved word)"), n);
        }
        return n;
    }

    std::vector<std::string> names(const json& v, const std::string& ptr, const char* key) {
        std::vector<std::string> out;
        for (std::size_t i = 0; const auto& item : array(v, ptr, key)) {
            std::string p = ptr + "/" + key + "/" + std::to_string(i++);
            if (!item.is_string() || !is_name(item.get<std::string>())) fail(p, N_("expected a name"));
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    bool flag(const json& v, const std::string& ptr, const char* key) {
        if (!v.contains(key)) return false;
        if (!v[key].is_boolean()) fail(ptr + "/" + key, N_("expected true or false"));
        return v[key].get<bool>();
    }

    void ptype(const json& v, const std::string& ptr) {
        object(v, ptr, {"id", "start", "per_file", "per_session", "unit", "signatures"}, true);
        core::Ptype p;
        p.id = name(v, ptr, "id");
        for (const char* prop : {"start", "per_file", "per_session"}) {
            if (v.contains(prop)) p.properties.emplace_back(prop, string(v, ptr, prop, true));
        }
        p.start = string(v, ptr, "start", false);
        p.unit = string(v, ptr, "unit", false);
        json ext = json::object();
        for (const auto& [key, value] : v.items()) {
            if (key.starts_with("x-")) ext[key] = value;
        }
        if (!ext.empty()) p.extensions = ext.dump();
        std::vector<Location> sig_at;
        for (std::size_t i = 0; const auto& s : array(v, ptr, "signatures")) {
            std::string sp = ptr + "/signatures/" + std::to_string(i++);
            p.signatures.push_back(signature(s, sp, false));
            sig_at.push_back(at(sp));
        }
        out_.types.ptypes.push_back(std::move(p));
        out_.where.ptypes.push_back(at(ptr));
        out_.where.ptype_signatures.push_back(std::move(sig_at));
    }

    void otype(const json& v, const std::string& ptr) {
        object(v, ptr, {"id", "parents", "signatures"});
        core::Otype o;
        o.id = name(v, ptr, "id");
        o.parents = names(v, ptr, "parents");
        std::vector<Location> parent_at;
        for (std::size_t i = 0; i < o.parents.size(); ++i) parent_at.push_back(at(ptr + "/parents/" + std::to_string(i)));
        std::vector<Location> sig_at;
        for (std::size_t i = 0; const auto& s : array(v, ptr, "signatures")) {
            std::string sp = ptr + "/signatures/" + std::to_string(i++);
            o.signatures.push_back(signature(s, sp, true));
            sig_at.push_back(at(sp));
        }
        out_.types.otypes.push_back(std::move(o));
        out_.where.otypes.push_back(at(ptr));
        out_.where.otype_parents.push_back(std::move(parent_at));
        out_.where.otype_signatures.push_back(std::move(sig_at));
    }

    core::Signature signature(const json& v, const std::string& ptr, bool of_otype) {
        std::set<std::string> allowed{"category", "scope", "op", "args", "contexts", "start", "queue", "opnum", "class"};
        if (of_otype) allowed.insert({"ptype", "from"});
        object(v, ptr, allowed);
        core::Signature s;
        auto cat = category_from_word(string(v, ptr, "category", true));
        if (!cat) fail(ptr + "/category", N_("expected \"handle\", \"handle_push\", \"handle_rotate\" or \"observe\""));
        s.category = *cat;
        if (v.contains("scope")) {
            std::string w = string(v, ptr, "scope", true);
            auto sc = scope_from_word(w);
            if (w == "both") sc = core::Scope::BOTH;
            if (w == "none") sc = core::Scope::NONE;  // only a compiled database can hold it
            if (!sc) fail(ptr + "/scope", N_("expected \"session\", \"file\", \"file_in_session\" or \"both\""));
            s.scope = *sc;
        }
        s.op = name(v, ptr, "op");
        for (std::size_t i = 0; const auto& a : array(v, ptr, "args")) s.args.push_back(argument(a, ptr + "/args/" + std::to_string(i++)));
        s.contexts = names(v, ptr, "contexts");
        std::int32_t disp = (flag(v, ptr, "start") ? 2 : 0) | (flag(v, ptr, "queue") ? 1 : 0);
        s.disposition = static_cast<core::Disposition>(disp);
        if (v.contains("opnum")) {
            const auto& n = v["opnum"];
            if (!n.is_number_integer() || n.get<std::int64_t>() < -1 || n.get<std::int64_t>() > INT32_MAX) {
                fail(ptr + "/opnum", N_("expected an integer from -1 to 2147483647"));
            }
            s.opnum = n.get<std::int32_t>();
        }
        if (v.contains("class")) {
            std::string c = string(v, ptr, "class", true);
            if (c == "notice") s.cls = core::Class::NOTICE;
            else if (c == "request") s.cls = core::Class::REQUEST;
            else if (c == "offer") s.cls = core::Class::OFFER;
            else fail(ptr + "/class", N_("expected \"notice\", \"request\" or \"offer\""));
        }
        if (of_otype) {
            s.ptype = name(v, ptr, "ptype", false);
            s.super_otype = name(v, ptr, "from", false);
            if (s.ptype.empty() && s.super_otype.empty()) {
                fail(ptr, N_("an otype signature needs \"ptype\", or \"from\" alone for pure inheritance"));
            }
        }
        return s;
    }

    core::SignatureArg argument(const json& v, const std::string& ptr) {
        object(v, ptr, {"mode", "vtype", "name", "value"});
        core::SignatureArg a;
        auto m = mode_from_word(string(v, ptr, "mode", true));
        if (!m) fail(ptr + "/mode", N_("expected \"in\", \"out\" or \"inout\""));
        a.mode = *m;
        a.vtype = name(v, ptr, "vtype");
        a.name = name(v, ptr, "name");
        if (v.contains("value")) {
            const auto& val = v["value"];
            if (val.is_number_integer() && val.get<std::int64_t>() >= INT32_MIN && val.get<std::int64_t>() <= INT32_MAX) {
                a.value = val.get<std::int32_t>();
            } else if (val.is_string()) {
                a.value = val.get<std::string>();
            } else {
                fail(ptr + "/value", N_("expected a 32-bit integer or a string"));
            }
        }
        return a;
    }

    std::string file_;
    ParsedTypes out_;
};

Location position(std::string_view text, std::size_t byte, const std::string& file) {
    Location l{file, 1, 1, {}};
    // nlohmann reports the byte after the offending one (1-based count of bytes read).
    std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++l.line;
            l.column = 1;
        } else {
            ++l.column;
        }
    }
    return l;
}

ordered_json signature_json(const core::Signature& s, bool of_otype) {
    ordered_json j;
    j["category"] = category_word(s.category);
    if (s.scope != core::Scope::BOTH) j["scope"] = scope_word(s.scope).empty() ? "none" : scope_word(s.scope);
    j["op"] = s.op;
    if (!s.args.empty()) {
        ordered_json args = ordered_json::array();
        for (const auto& a : s.args) {
            ordered_json aj;
            aj["mode"] = mode_word(a.mode);
            aj["vtype"] = a.vtype;
            aj["name"] = a.name;
            if (const auto* i = std::get_if<std::int32_t>(&a.value)) aj["value"] = *i;
            if (const auto* b = std::get_if<std::string>(&a.value)) aj["value"] = *b;
            args.push_back(std::move(aj));
        }
        j["args"] = std::move(args);
    }
    if (!s.contexts.empty()) j["contexts"] = s.contexts;
    if (core::has(s.disposition, core::Disposition::START)) j["start"] = true;
    if (core::has(s.disposition, core::Disposition::QUEUE)) j["queue"] = true;
    if (s.opnum != -1) j["opnum"] = s.opnum;
    if (s.cls != core::Class::UNDEFINED) {
        j["class"] = s.cls == core::Class::NOTICE ? "notice" : s.cls == core::Class::REQUEST ? "request" : "offer";
    }
    if (of_otype) {
        j["ptype"] = s.ptype;
        if (!s.super_otype.empty() && s.super_otype != s.otype) j["from"] = s.super_otype;
    }
    return j;
}

}  // namespace

ParsedTypes parse_json_types(std::string_view text, const std::string& file) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        ParsedTypes failed;
        std::string what = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
        if (auto colon = what.find(": "); colon != std::string::npos && what.find("column") < colon) {
            what = what.substr(colon + 2);
        }
        failed.diagnostics.push_back(
            {Severity::Error, position(text, e.byte, file), text::format(N_("malformed JSON: %s"), what)});
        return failed;
    }
    try {
        return Reader(file).run(doc);
    } catch (const JsonError& e) {
        ParsedTypes failed;
        failed.diagnostics.push_back({Severity::Error, Location{file, 0, 0, e.pointer.empty() ? "/" : e.pointer}, e.message});
        return failed;
    }
}

std::string write_json_types(const TypeSet& set) {
    ordered_json doc;
    doc["format"] = "ttbus-types";
    doc["version"] = json_format_version;
    ordered_json ptypes = ordered_json::array();
    for (const auto& p : set.ptypes) {
        ordered_json pj;
        pj["id"] = p.id;
        for (const auto& [name, value] : p.properties) pj[name] = value;
        if (!p.unit.empty()) pj["unit"] = p.unit;
        if (!p.extensions.empty()) {
            const ordered_json ext = ordered_json::parse(p.extensions);
            for (const auto& [key, value] : ext.items()) pj[key] = value;
        }
        ordered_json sigs = ordered_json::array();
        for (const auto& s : p.signatures) sigs.push_back(signature_json(s, false));
        if (!sigs.empty()) pj["signatures"] = std::move(sigs);
        ptypes.push_back(std::move(pj));
    }
    doc["ptypes"] = std::move(ptypes);
    ordered_json otypes = ordered_json::array();
    for (const auto& o : set.otypes) {
        ordered_json oj;
        oj["id"] = o.id;
        if (!o.parents.empty()) oj["parents"] = o.parents;
        ordered_json sigs = ordered_json::array();
        for (const auto& s : o.signatures) sigs.push_back(signature_json(s, true));
        if (!sigs.empty()) oj["signatures"] = std::move(sigs);
        otypes.push_back(std::move(oj));
    }
    doc["otypes"] = std::move(otypes);
    return doc.dump(2) + "\n";
}

}  // namespace ttbus::types
