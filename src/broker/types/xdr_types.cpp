#include "xdr_types.h"

#include "text.h"
#include "xdr_codec.h"


namespace ttbus::types {

namespace {

template <typename F>
void read_list(XdrReader& r, F&& element) {
    if (!r.present()) return;
    for (std::uint32_t n = r.count(); n > 0; --n) element();
}

template <typename E>
E checked_enum(std::int32_t v, const char* what) {
    auto e = static_cast<E>(v);
    if (!core::valid(e)) throw XdrError(text::format(N_("bad %s %s"), what, std::to_string(v)));
    return e;
}

core::SignatureArg read_arg(XdrReader& r, int version) {
    core::SignatureArg a;
    a.mode = checked_enum<core::Mode>(r.i32(), "argument mode");
    a.vtype = r.text();
    if (version < 4) r.str();  // the unused "matched type"
    a.name = r.text();
    switch (r.i32()) {
        case 0: r.str(); break;
        case 1: a.value = r.i32(); break;
        case 2: a.value = r.text(); break;
        default: throw XdrError(text::translate(N_("bad argument data type")));
    }
    return a;
}

core::Signature read_signature(XdrReader& r, int version) {
    core::Signature s;
    s.scope = checked_enum<core::Scope>(r.i32(), "scope");
    read_list(r, [&] { s.args.push_back(read_arg(r, version)); });
    s.cls = checked_enum<core::Class>(r.i32(), "class");
    s.category = checked_enum<core::Category>(r.i32(), "category");
    s.op = r.text();
    s.disposition = checked_enum<core::Disposition>(r.i32(), "disposition");
    s.opnum = r.i32();
    s.ptype = r.text();
    s.otype = r.text();
    s.super_otype = r.text();
    if (version >= 3) read_list(r, [&] { s.contexts.push_back(r.text()); });
    return s;
}

core::Ptype read_ptype(XdrReader& r, int version) {
    core::Ptype p;
    p.id = r.text();
    read_list(r, [&] {
        std::string name = r.text();
        std::string value = r.text();
        if (name == "start") p.start = value;
        p.properties.emplace_back(std::move(name), std::move(value));
    });
    // Otype signatures appear here too (with their otid): they are the otypes' business, read there.
    auto own = [&] {
        core::Signature s = read_signature(r, version);
        if (s.otype.empty()) p.signatures.push_back(std::move(s));
    };
    read_list(r, own);  // observe
    read_list(r, own);  // handle, handle_push, handle_rotate
    return p;
}

core::Otype read_otype(XdrReader& r, int version) {
    core::Otype o;
    o.id = r.text();
    read_list(r, [&] { o.parents.push_back(r.text()); });
    for (int list = 0; list < 3; ++list) {  // inherited, observe, handle
        read_list(r, [&] { o.signatures.push_back(read_signature(r, version)); });
    }
    r.i32();  // visit mark of the classic graph walk
    return o;
}

void write_signature(XdrWriter& w, int version, const core::Signature& s) {
    w.i32(static_cast<std::int32_t>(s.scope));
    w.present();
    w.i32(static_cast<std::int32_t>(s.args.size()));
    for (const auto& a : s.args) {
        w.i32(static_cast<std::int32_t>(a.mode));
        w.str(a.vtype);
        if (version < 4) w.null_str();
        w.str(a.name);
        if (const auto* i = std::get_if<std::int32_t>(&a.value)) {
            w.i32(1);
            w.i32(*i);
        } else if (const auto* b = std::get_if<std::string>(&a.value)) {
            w.i32(2);
            w.str(*b);
        } else {
            w.i32(0);
            w.null_str();
        }
    }
    w.i32(static_cast<std::int32_t>(s.cls));
    w.i32(static_cast<std::int32_t>(s.category));
    w.str(s.op);
    w.i32(static_cast<std::int32_t>(s.disposition));
    w.i32(s.opnum);
    w.str(s.ptype);
    if (!s.otype.empty()) {  // an otype signature
        w.str(s.otype);
        w.str(s.super_otype);
    } else {
        w.null_str();
        w.null_str();
    }
    if (version >= 3) {
        w.present();
        w.i32(static_cast<std::int32_t>(s.contexts.size()));
        for (const auto& c : s.contexts) w.str(c);
    }
}

// The classic lists: observe signatures in one, the three handler categories in the other.
void write_signatures(XdrWriter& w, int version, const std::vector<const core::Signature*>& sigs) {
    std::vector<const core::Signature*> observe, handle;
    for (const auto* s : sigs) (s->category == core::Category::OBSERVE ? observe : handle).push_back(s);
    for (const auto* list : {&observe, &handle}) {
        w.present();
        w.i32(static_cast<std::int32_t>(list->size()));
        for (const auto* s : *list) write_signature(w, version, *s);
    }
}

}  // namespace

XdrRead read_types_xdr(std::string_view data, const std::string& file) {
    XdrRead out;
    if (data.empty()) return out;
    try {
        XdrReader r(data, 1);
        out.version = r.i32();
        if (out.version > xdr_max_version) {
            out.diagnostics.push_back({Severity::Error, {file, 0, 0, {}},
                                       text::format(N_("type database version %s is newer than this reader "
                                                       "understands (%s)"),
                                                    std::to_string(out.version), std::to_string(xdr_max_version))});
            return out;
        }
        if (out.version < 1) throw XdrError(text::format(N_("bad version %s"), std::to_string(out.version)));
        r.set_version(out.version);
        if (r.present()) {
            read_list(r, [&] { out.types.ptypes.push_back(read_ptype(r, out.version)); });
            read_list(r, [&] { out.types.otypes.push_back(read_otype(r, out.version)); });
        }
        if (!r.at_end()) throw XdrError(text::translate(N_("trailing data")));
    } catch (const XdrError& e) {
        out.types = {};
        out.diagnostics.push_back(
            {Severity::Error, {file, 0, 0, {}}, text::format(N_("type database is damaged (%s)"), e.what())});
        return out;
    }
    normalize(out.types);
    if (std::string what = unrepresentable(out.types); !what.empty()) {
        out.types = {};
        out.diagnostics.push_back(
            {Severity::Error, {file, 0, 0, {}}, text::format(N_("type database cannot hold this: %s"), what)});
    }
    return out;
}

int xdr_version_for(const TypeSet& set) {
    int version = 1;
    auto look = [&](const std::vector<core::Signature>& sigs) {
        for (const auto& s : sigs) {
            if (s.category == core::Category::HANDLE_PUSH || s.category == core::Category::HANDLE_ROTATE) version = 4;
            if (!s.contexts.empty() && version < 3) version = 3;
        }
    };
    for (const auto& p : set.ptypes) look(p.signatures);
    for (const auto& o : set.otypes) look(o.signatures);
    return version;
}

std::string write_types_xdr(const TypeSet& set) {
    const int version = xdr_version_for(set);
    XdrWriter w(version);
    w.i32(version);
    w.present();
    w.present();
    w.i32(static_cast<std::int32_t>(set.ptypes.size()));
    for (const auto& p : set.ptypes) {
        w.str(p.id);
        w.present();
        w.i32(static_cast<std::int32_t>(p.properties.size()));
        for (const auto& [name, value] : p.properties) {
            w.str(name);
            w.str(value);
        }
        std::vector<const core::Signature*> sigs;
        for (const auto& s : p.signatures) sigs.push_back(&s);
        for (const auto& o : set.otypes) {
            for (const auto& s : o.signatures) {
                if (s.ptype == p.id) sigs.push_back(&s);
            }
        }
        write_signatures(w, version, sigs);
    }
    w.present();
    w.i32(static_cast<std::int32_t>(set.otypes.size()));
    for (const auto& o : set.otypes) {
        w.str(o.id);
        w.present();
        w.i32(static_cast<std::int32_t>(o.parents.size()));
        for (const auto& parent : o.parents) w.str(parent);
        w.present();
        w.i32(0);  // inherited signatures: ttbus keeps every signature in the otype's own lists
        std::vector<const core::Signature*> sigs;
        for (const auto& s : o.signatures) sigs.push_back(&s);
        write_signatures(w, version, sigs);
        w.i32(-1);  // visit mark, as the classic writer leaves it
    }
    return w.data();
}

}  // namespace ttbus::types
