// Object specs (tt_spec_*) and objids (tt_objid_*). As in classic libtt, a spec made or changed
// here stays in this process until tt_spec_write: tt_spec_create names a new spec (its objid is
// made here), the setters change this process's copy, the getters read that copy (or, without
// one, the broker's spec), and tt_spec_write sends what changed. Who may read or change a spec is
// the broker's to judge (by its file's permissions).
#include "client.h"
#include "specs.h"
#include "status.h"
#include "storage.h"
#include "values.h"

#include "protocol/wire.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>

using namespace ttc;
using ttbus::protocol::SpecProperty;

namespace {

// This process's copy of a spec it made or changed and has not written yet.
struct Draft {
    bool created = false;  // by tt_spec_create: the broker has never seen it
    std::string file;
    std::string otype;
    bool otype_changed = false;
    std::vector<SpecProperty> props;  // only names with values
    std::set<std::string> changed;    // names whose values tt_spec_write sends
};

// The drafts belong to the client: a new tt_open after the last tt_close starts without any.
std::map<std::string, Draft>& drafts() {
    static const Client* owner = nullptr;
    static std::map<std::string, Draft> by_objid;
    if (owner != client()) {
        by_objid.clear();
        owner = client();
    }
    return by_objid;
}

Tt_status audit_objid(const char* objid) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(objid, TT_ERR_OBJID); s != TT_OK) return s;
    return ttbus::protocol::is_objid(objid) ? TT_OK : TT_ERR_OBJID;
}

Tt_status audit_propname(const char* propname) {
    if (Tt_status s = need_string(propname, TT_ERR_PROPNAME); s != TT_OK) return s;
    std::size_t n = std::strlen(propname);
    return n == 0 || n > ttbus::protocol::max_propname ? TT_ERR_PROPNAME : TT_OK;
}

Tt_status fetch(const std::string& objid, Draft& out) {
    Reply reply;
    Tt_status s = spec_call(
        "Spec", [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, objid.c_str()); },
        &reply);
    if (s != TT_OK) return s;
    const char* file = nullptr;
    const char* otype = nullptr;
    if (sd_bus_message_read(reply.m, "ss", &file, &otype) < 0) return TT_ERR_INTERNAL;
    try {
        out.props = ttbus::protocol::read_spec_props(reply.m);
    } catch (const ttbus::protocol::Failure&) {
        return TT_ERR_INTERNAL;
    }
    out.file = file;
    out.otype = otype;
    return TT_OK;
}

// The spec as this process sees it: its draft, or the broker's.
Tt_status view(const char* objid, Draft& out) {
    if (Tt_status s = audit_objid(objid); s != TT_OK) return s;
    auto& all = drafts();
    if (auto it = all.find(objid); it != all.end()) {
        out = it->second;
        return TT_OK;
    }
    return fetch(objid, out);
}

// The draft to change, made from the broker's spec when there is none.
Tt_status editable(const char* objid, Draft** out) {
    if (Tt_status s = audit_objid(objid); s != TT_OK) return s;
    auto& all = drafts();
    auto it = all.find(objid);
    if (it == all.end()) {
        Draft d;
        if (Tt_status s = fetch(objid, d); s != TT_OK) return s;
        it = all.emplace(objid, std::move(d)).first;
    }
    *out = &it->second;
    return TT_OK;
}

const std::vector<std::string>* values_of(const Draft& d, const char* propname) {
    for (const auto& p : d.props) {
        if (p.name == propname) return &p.values;
    }
    return nullptr;
}

// tt_spec_prop_set/add and the byte forms: `value` absent removes the property (set only).
Tt_status change(const char* objid, const char* propname, std::optional<std::string> value, bool append) {
    if (Tt_status s = audit_objid(objid); s != TT_OK) return s;
    if (Tt_status s = audit_propname(propname); s != TT_OK) return s;
    if (value && value->size() > ttbus::protocol::max_spec_value_bytes) return TT_ERR_PROPLEN;
    Draft* d = nullptr;
    if (Tt_status s = editable(objid, &d); s != TT_OK) return s;
    auto it = std::find_if(d->props.begin(), d->props.end(), [&](const SpecProperty& p) { return p.name == propname; });
    if (it == d->props.end() && value) it = d->props.insert(d->props.end(), SpecProperty{propname, {}});
    if (it != d->props.end()) {
        if (!append) it->values.clear();
        if (value) it->values.push_back(std::move(*value));
        if (it->values.empty()) d->props.erase(it);
    }
    d->changed.insert(propname);
    return TT_OK;
}

Tt_status change_bytes(const char* nodeid, const char* propname, const unsigned char* value, int length, bool append) {
    if (length < 0) return TT_ERR_NUM;
    if (value == nullptr && length > 0) return TT_ERR_POINTER;
    std::string bytes;
    if (value != nullptr) bytes.assign(reinterpret_cast<const char*>(value), static_cast<std::size_t>(length));
    return change(nodeid, propname, std::move(bytes), append);
}

Tt_status value_at(const char* objid, const char* propname, int i, std::string& out) {
    if (Tt_status s = audit_propname(propname); s != TT_OK) return s;
    Draft d;
    if (Tt_status s = view(objid, d); s != TT_OK) return s;
    const auto* values = values_of(d, propname);
    if (values == nullptr || i < 0 || static_cast<std::size_t>(i) >= values->size()) return TT_ERR_NUM;
    out = (*values)[static_cast<std::size_t>(i)];
    return TT_OK;
}

Tt_status write(const char* objid) {
    if (Tt_status s = audit_objid(objid); s != TT_OK) return s;
    auto& all = drafts();
    auto it = all.find(objid);
    if (it == all.end()) {  // nothing to write: only whether there is such a spec
        Draft d;
        return fetch(objid, d);
    }
    Draft& d = it->second;
    Tt_status s;
    if (d.created) {
        if (d.otype.empty()) return TT_ERR_OTYPE;
        s = spec_call("SpecCreate", [&](sd_bus_message* m) {
            int r = sd_bus_message_append(m, "sss", objid, d.file.c_str(), d.otype.c_str());
            return r < 0 ? r : append_props(m, d.props);
        });
    } else {
        std::vector<SpecProperty> changes;
        for (const auto& name : d.changed) {
            const auto* values = values_of(d, name.c_str());
            changes.push_back({name, values ? *values : std::vector<std::string>{}});
        }
        s = spec_call("SpecWrite", [&](sd_bus_message* m) {
            int r = sd_bus_message_append(m, "ss", objid, d.otype_changed ? d.otype.c_str() : "");
            return r < 0 ? r : append_props(m, changes);
        });
    }
    if (s == TT_OK) all.erase(it);
    return s;
}

}  // namespace

extern "C" {

char* tt_spec_create(const char* filepath) {
    if (Tt_status s = need_open(); s != TT_OK) return report_ptr("tt_spec_create", s);
    std::string file;
    if (Tt_status s = file_argument(filepath, file); s != TT_OK) return report_ptr("tt_spec_create", s);
    std::string objid = ttbus::protocol::new_objid();
    if (objid.empty()) return report_ptr("tt_spec_create", TT_ERR_INTERNAL);
    Draft d;
    d.created = true;
    d.file = std::move(file);
    drafts().emplace(objid, std::move(d));
    return stack_string(objid);
}

Tt_status tt_spec_write(const char* nodeid) {
    return report("tt_spec_write", write(nodeid));
}

Tt_status tt_spec_destroy(const char* nodeid) {
    Tt_status s = audit_objid(nodeid);
    if (s == TT_OK) {
        auto& all = drafts();
        auto it = all.find(nodeid);
        bool unwritten = it != all.end() && it->second.created;
        if (it != all.end()) all.erase(it);
        if (!unwritten) {
            s = spec_call("SpecDestroy",
                          [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, nodeid); });
        }
    }
    return report("tt_spec_destroy", s);
}

char* tt_spec_file(const char* nodeid) {
    Draft d;
    Tt_status s = view(nodeid, d);
    return s == TT_OK ? stack_string(d.file) : report_ptr("tt_spec_file", s);
}

char* tt_spec_type(const char* nodeid) {
    Draft d;
    Tt_status s = view(nodeid, d);
    if (s == TT_OK && d.otype.empty()) s = TT_ERR_OTYPE;  // created, no type set yet
    return s == TT_OK ? stack_string(d.otype) : report_ptr("tt_spec_type", s);
}

Tt_status tt_spec_type_set(const char* nodeid, const char* otid) {
    Tt_status s = audit_objid(nodeid);
    if (s == TT_OK) s = need_string(otid, TT_ERR_OTYPE);
    if (s == TT_OK && *otid == '\0') s = TT_ERR_OTYPE;
    Draft* d = nullptr;
    if (s == TT_OK) s = editable(nodeid, &d);
    if (s == TT_OK) {
        d->otype = otid;
        d->otype_changed = true;
    }
    return report("tt_spec_type_set", s);
}

// The objid stays whatever the new file (classic libtt returned the same one, TT_WRN_SAME_OBJID,
// when the file system could keep it; ttbus's objids name no file system).
char* tt_spec_move(const char* nodeid, const char* newfilepath) {
    Tt_status s = audit_objid(nodeid);
    std::string file;
    if (s == TT_OK) s = file_argument(newfilepath, file);
    auto& all = drafts();
    auto it = s == TT_OK ? all.find(nodeid) : all.end();
    if (s == TT_OK && (it == all.end() || !it->second.created)) {
        s = spec_call("SpecMove", [&](sd_bus_message* m) { return sd_bus_message_append(m, "ss", nodeid, file.c_str()); });
    }
    if (s != TT_OK) return report_ptr("tt_spec_move", s);
    if (it != all.end()) it->second.file = file;
    return stack_string(nodeid);
}

char* tt_spec_propname(const char* nodeid, int n) {
    Draft d;
    Tt_status s = view(nodeid, d);
    if (s == TT_OK && (n < 0 || static_cast<std::size_t>(n) >= d.props.size())) s = TT_ERR_NUM;
    return s == TT_OK ? stack_string(d.props[static_cast<std::size_t>(n)].name) : report_ptr("tt_spec_propname", s);
}

int tt_spec_propnames_count(const char* nodeid) {
    Draft d;
    Tt_status s = view(nodeid, d);
    return s == TT_OK ? static_cast<int>(d.props.size()) : report_int("tt_spec_propnames_count", s);
}

char* tt_spec_prop(const char* nodeid, const char* propname, int i) {
    std::string value;
    Tt_status s = value_at(nodeid, propname, i, value);
    return s == TT_OK ? stack_string(value) : report_ptr("tt_spec_prop", s);
}

int tt_spec_prop_count(const char* nodeid, const char* propname) {
    Tt_status s = audit_propname(propname);
    Draft d;
    if (s == TT_OK) s = view(nodeid, d);
    if (s != TT_OK) return report_int("tt_spec_prop_count", s);
    const auto* values = values_of(d, propname);
    return values ? static_cast<int>(values->size()) : 0;
}

Tt_status tt_spec_prop_add(const char* nodeid, const char* propname, const char* value) {
    Tt_status s = need_string(value, TT_ERR_POINTER);
    if (s == TT_OK) s = change(nodeid, propname, std::string(value), true);
    return report("tt_spec_prop_add", s);
}

// A NULL value removes the property.
Tt_status tt_spec_prop_set(const char* nodeid, const char* propname, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = change(nodeid, propname, value ? std::optional<std::string>(value) : std::nullopt, false);
    return report("tt_spec_prop_set", s);
}

Tt_status tt_spec_bprop(const char* nodeid, const char* propname, int i, unsigned char** value, int* length) {
    std::string bytes;
    Tt_status s = value_at(nodeid, propname, i, bytes);
    if (s == TT_OK) s = read_bytes(Value{bytes}, value, length);
    return report("tt_spec_bprop", s);
}

Tt_status tt_spec_bprop_add(const char* nodeid, const char* propname, const unsigned char* value, int length) {
    return report("tt_spec_bprop_add", change_bytes(nodeid, propname, value, length, true));
}

Tt_status tt_spec_bprop_set(const char* nodeid, const char* propname, const unsigned char* value, int length) {
    return report("tt_spec_bprop_set", change_bytes(nodeid, propname, value, length, false));
}

// Objids name the same spec when their keys are equal.
int tt_objid_equal(const char* nodeid1, const char* nodeid2) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(nodeid1, TT_ERR_OBJID);
    if (s == TT_OK) s = need_string(nodeid2, TT_ERR_OBJID);
    if (s != TT_OK) return report_int("tt_objid_equal", s);
    return ttbus::protocol::objid_key(nodeid1) == ttbus::protocol::objid_key(nodeid2) ? 1 : 0;
}

char* tt_objid_objkey(const char* nodeid) {
    Tt_status s = audit_objid(nodeid);
    return s == TT_OK ? stack_string(ttbus::protocol::objid_key(nodeid)) : report_ptr("tt_objid_objkey", s);
}

}  // extern "C"
