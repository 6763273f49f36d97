// Patterns: built locally, registered with the default procid. Changes made after registration
// stay local until the pattern is registered again (as classic libtt).
#include "client.h"
#include "paths.h"
#include "status.h"
#include "values.h"
#include "wire.h"

#include <algorithm>

using namespace ttc;

namespace {

using protocol::Category;
using Attributes = protocol::Pattern;  // what a Pattern handle holds and registers
using StringList = std::vector<std::string> Attributes::*;
template <typename E>
using EnumSetField = protocol::EnumSet<E> Attributes::*;

Tt_status add_string(Tt_pattern h, StringList field, const char* value, Tt_status if_null) {
    Pattern* p = nullptr;
    if (Tt_status s = need_pattern(h, &p); s != TT_OK) return s;
    if (Tt_status s = need_string(value, if_null); s != TT_OK) return s;
    (p->w.*field).emplace_back(value);
    return TT_OK;
}

template <typename E>
Tt_status add_enum(Tt_pattern h, EnumSetField<E> field, int value, int low, int high, Tt_status bad) {
    Pattern* p = nullptr;
    if (Tt_status s = need_pattern(h, &p); s != TT_OK) return s;
    if (value < low || value > high) return bad;
    (p->w.*field).add(static_cast<E>(value));
    return TT_OK;
}

Tt_status add_arg(Tt_pattern h, Tt_mode mode, const char* vtype, const Value& value) {
    Pattern* p = nullptr;
    if (Tt_status s = need_pattern(h, &p); s != TT_OK) return s;
    if (mode < TT_MODE_UNDEFINED || mode >= TT_MODE_LAST) return TT_ERR_MODE;
    if (Tt_status s = need_string(vtype, TT_ERR_VTYPE); s != TT_OK) return s;
    p->w.args.push_back(protocol::PatternArg{static_cast<protocol::Mode>(mode), vtype, value});
    return TT_OK;
}

// A slot gathers every value added to it; a slot added without a value is a wildcard.
Tt_status add_context(Tt_pattern h, const char* slot, const Value* value) {
    Pattern* p = nullptr;
    if (Tt_status s = need_pattern(h, &p); s != TT_OK) return s;
    if (Tt_status s = need_string(slot, TT_ERR_SLOTNAME); s != TT_OK) return s;
    if (*slot == '\0') return TT_ERR_SLOTNAME;
    auto& cs = p->w.contexts;
    auto it = std::find_if(cs.begin(), cs.end(), [&](const PatternContext& c) { return c.slot == slot; });
    if (it == cs.end()) it = cs.insert(cs.end(), PatternContext{slot, {}});
    if (value != nullptr) it->values.push_back(*value);
    return TT_OK;
}

Tt_status unregister(Pattern& p) {
    if (p.id == 0) return TT_OK;
    Tt_status s = TT_OK;
    // A pattern of a closed procid went with it.
    if (Procid* owner = client()->find_procid(p.procid)) {
        s = owner->call("PatternUnregister", [&](sd_bus_message* m) {
            return sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT64, &p.id);
        });
    }
    client()->registered.erase(p.id);
    p.id = 0;
    p.procid.clear();
    return s;
}

}  // namespace

extern "C" {

Tt_pattern tt_pattern_create(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_handle<Tt_pattern>("tt_pattern_create", s);
    return client()->patterns.add(std::make_unique<Pattern>());
}

Tt_status tt_pattern_destroy(Tt_pattern h) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK) {
        unregister(*p);
        client()->patterns.remove(h);
    }
    return report("tt_pattern_destroy", s);
}

Tt_status tt_pattern_register(Tt_pattern h) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK && p->id != 0) s = TT_ERR_INVALID;
    if (s == TT_OK && (p->w.category <= Category::UNDEFINED || p->w.category >= Category::LAST)) {
        s = TT_ERR_CATEGORY;
    }
    if (s != TT_OK) return report("tt_pattern_register", s);
    Procid* owner = client()->current;
    Reply reply;
    s = owner->call("PatternRegister", [&](sd_bus_message* m) { return append_pattern(m, p->w); }, &reply);
    std::uint64_t id = 0;
    if (s == TT_OK && sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_UINT64, &id) < 0) s = TT_ERR_INTERNAL;
    if (s == TT_OK) {
        p->id = id;
        p->procid = owner->id;
        client()->registered[id] = h;
    }
    return report("tt_pattern_register", s);
}

Tt_status tt_pattern_unregister(Tt_pattern h) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK) s = unregister(*p);
    return report("tt_pattern_unregister", s);
}

Tt_status tt_pattern_callback_add(Tt_pattern h, Tt_message_callback f) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK && f == nullptr) s = TT_ERR_POINTER;
    if (s == TT_OK) p->callbacks.push_back(f);
    return report("tt_pattern_callback_add", s);
}

void* tt_pattern_user(Tt_pattern h, int key) {
    Pattern* p = nullptr;
    if (Tt_status s = need_pattern(h, &p); s != TT_OK) return report_ptr("tt_pattern_user", s);
    auto it = p->user.find(key);
    return it == p->user.end() ? nullptr : it->second;
}

Tt_status tt_pattern_user_set(Tt_pattern h, int key, void* v) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK) p->user[key] = v;
    return report("tt_pattern_user_set", s);
}

Tt_category tt_pattern_category(Tt_pattern h) {
    Pattern* p = nullptr;
    if (Tt_status s = need_pattern(h, &p); s != TT_OK) {
        report("tt_pattern_category", s);
        return TT_CATEGORY_UNDEFINED;
    }
    return static_cast<Tt_category>(p->w.category);
}

Tt_status tt_pattern_category_set(Tt_pattern h, Tt_category c) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK && (c < TT_CATEGORY_UNDEFINED || c >= TT_CATEGORY_LAST)) s = TT_ERR_CATEGORY;
    if (s == TT_OK) p->w.category = static_cast<Category>(c);
    return report("tt_pattern_category_set", s);
}

Tt_status tt_pattern_arg_add(Tt_pattern p, Tt_mode n, const char* vtype, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = add_arg(p, n, vtype, string_value(value));
    return report("tt_pattern_arg_add", s);
}

Tt_status tt_pattern_barg_add(Tt_pattern p, Tt_mode n, const char* vtype, const unsigned char* value, int len) {
    Tt_status s = len < 0 ? TT_ERR_NUM : add_arg(p, n, vtype, bytes_value(value, len));
    return report("tt_pattern_barg_add", s);
}

Tt_status tt_pattern_iarg_add(Tt_pattern p, Tt_mode n, const char* vtype, int value) {
    return report("tt_pattern_iarg_add", add_arg(p, n, vtype, int_value(value)));
}

Tt_status tt_pattern_xarg_add(Tt_pattern p, Tt_mode n, const char* vtype, xdrproc_t xdr_proc, void* value) {
    Value v;
    Tt_status s = need_open();
    if (s == TT_OK) s = xdr_value(xdr_proc, value, v);
    if (s == TT_OK) s = add_arg(p, n, vtype, v);
    return report("tt_pattern_xarg_add", s);
}

Tt_status tt_pattern_class_add(Tt_pattern p, Tt_class c) {
    return report("tt_pattern_class_add", add_enum(p, &Attributes::classes, c, TT_NOTICE, TT_OFFER, TT_ERR_CLASS));
}

Tt_status tt_pattern_file_add(Tt_pattern p, const char* file) {
    Tt_status s = need_string(file, TT_ERR_FILE);
    std::string path = s == TT_OK ? canonical_path(file) : "";
    if (s == TT_OK) s = add_string(p, &Attributes::files, path.c_str(), TT_ERR_FILE);
    return report("tt_pattern_file_add", s);
}

Tt_status tt_pattern_object_add(Tt_pattern p, const char* objid) {
    return report("tt_pattern_object_add", add_string(p, &Attributes::objects, objid, TT_ERR_OBJID));
}

Tt_status tt_pattern_op_add(Tt_pattern p, const char* opname) {
    return report("tt_pattern_op_add", add_string(p, &Attributes::ops, opname, TT_ERR_OP));
}

Tt_status tt_pattern_opnum_add(Tt_pattern h, int opnum) {
    Pattern* p = nullptr;
    Tt_status s = need_pattern(h, &p);
    if (s == TT_OK) p->w.opnums.push_back(opnum);
    return report("tt_pattern_opnum_add", s);
}

Tt_status tt_pattern_otype_add(Tt_pattern p, const char* otype) {
    return report("tt_pattern_otype_add", add_string(p, &Attributes::otypes, otype, TT_ERR_OTYPE));
}

Tt_status tt_pattern_address_add(Tt_pattern p, Tt_address d) {
    return report("tt_pattern_address_add",
                  add_enum(p, &Attributes::addresses, d, TT_PROCEDURE, TT_OTYPE, TT_ERR_ADDRESS));
}

Tt_status tt_pattern_disposition_add(Tt_pattern p, Tt_disposition r) {
    return report("tt_pattern_disposition_add",
                  add_enum(p, &Attributes::dispositions, r, TT_DISCARD, TT_QUEUE | TT_START, TT_ERR_DISPOSITION));
}

Tt_status tt_pattern_scope_add(Tt_pattern p, Tt_scope s) {
    return report("tt_pattern_scope_add",
                  add_enum(p, &Attributes::scopes, s, TT_SESSION, TT_FILE_IN_SESSION, TT_ERR_SCOPE));
}

Tt_status tt_pattern_sender_add(Tt_pattern p, const char* procid) {
    return report("tt_pattern_sender_add", add_string(p, &Attributes::senders, procid, TT_ERR_PROCID));
}

Tt_status tt_pattern_sender_ptype_add(Tt_pattern p, const char* ptid) {
    return report("tt_pattern_sender_ptype_add", add_string(p, &Attributes::sender_ptypes, ptid, TT_ERR_PTYPE));
}

Tt_status tt_pattern_session_add(Tt_pattern p, const char* sessid) {
    return report("tt_pattern_session_add", add_string(p, &Attributes::sessions, sessid, TT_ERR_SESSION));
}

Tt_status tt_pattern_state_add(Tt_pattern p, Tt_state s) {
    return report("tt_pattern_state_add",
                  add_enum(p, &Attributes::states, s, TT_CREATED, TT_STATE_LAST - 1, TT_ERR_STATE));
}

// A NULL value makes a wildcard slot (the manual's promise; CDE returned TT_ERR_POINTER).
Tt_status tt_pattern_context_add(Tt_pattern p, const char* slotname, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    Value v = string_value(value);
    if (s == TT_OK) s = add_context(p, slotname, value != nullptr ? &v : nullptr);
    return report("tt_pattern_context_add", s);
}

Tt_status tt_pattern_icontext_add(Tt_pattern p, const char* slotname, int value) {
    Value v = int_value(value);
    return report("tt_pattern_icontext_add", add_context(p, slotname, &v));
}

Tt_status tt_pattern_bcontext_add(Tt_pattern p, const char* slotname, const unsigned char* value, int length) {
    Value v = bytes_value(value, length);
    Tt_status s = length < 0 ? TT_ERR_NUM : add_context(p, slotname, value != nullptr ? &v : nullptr);
    return report("tt_pattern_bcontext_add", s);
}

Tt_status tt_pattern_xcontext_add(Tt_pattern p, const char* slotname, xdrproc_t xdr_proc, void* value) {
    Value v;
    Tt_status s = need_open();
    if (s == TT_OK) s = xdr_value(xdr_proc, value, v);
    if (s == TT_OK) s = add_context(p, slotname, &v);
    return report("tt_pattern_xcontext_add", s);
}

}  // extern "C"
