// Message contexts (kept sorted by slot, one value per slot) and the procid-wide
// tt_context_join/quit that add values to the slots of every registered pattern.
#include "client.h"
#include "status.h"
#include "storage.h"
#include "values.h"
#include "wire.h"

#include <algorithm>

using namespace ttc;

namespace {

Tt_status context_at(Tt_message h, const char* slot, Context** out) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return s;
    if (Tt_status s = need_string(slot, TT_ERR_SLOTNAME); s != TT_OK) return s;
    auto& cs = m->w.body.contexts;
    auto it = std::find_if(cs.begin(), cs.end(), [&](const Context& c) { return c.slot == slot; });
    if (it == cs.end()) return TT_ERR_SLOTNAME;
    *out = &*it;
    return TT_OK;
}

Tt_status set_context(Tt_message h, const char* slot, const Value& value) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return s;
    if (Tt_status s = need_string(slot, TT_ERR_SLOTNAME); s != TT_OK) return s;
    if (*slot == '\0') return TT_ERR_SLOTNAME;
    auto& cs = m->w.body.contexts;
    auto it = std::lower_bound(cs.begin(), cs.end(), slot, [](const Context& c, const char* s) { return c.slot < s; });
    if (it != cs.end() && it->slot == slot) {
        it->value = value;
    } else {
        cs.insert(it, Context{slot, value});
    }
    return TT_OK;
}

Tt_status join_or_quit(const char* member, const char* slot, const Value& value) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(slot, TT_ERR_SLOTNAME); s != TT_OK) return s;
    return client()->current->call(member, [&](sd_bus_message* m) {
        int r = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, slot);
        return r >= 0 ? append_value(m, value) : r;
    });
}

Tt_status xdr_join_or_quit(const char* member, const char* slot, xdrproc_t proc, void* value) {
    Value v;
    Tt_status s = need_open();
    if (s == TT_OK) s = xdr_value(proc, value, v);
    return s == TT_OK ? join_or_quit(member, slot, v) : s;
}

}  // namespace

extern "C" {

char* tt_message_context_val(Tt_message m, const char* slotname) {
    Context* c = nullptr;
    char* out = nullptr;
    Tt_status s = context_at(m, slotname, &c);
    if (s == TT_OK) s = read_string(c->value, &out);
    return s == TT_OK ? out : report_ptr("tt_message_context_val", s);
}

Tt_status tt_message_context_ival(Tt_message m, const char* slotname, int* value) {
    Context* c = nullptr;
    Tt_status s = context_at(m, slotname, &c);
    if (s == TT_OK) s = read_int(c->value, value);
    return report("tt_message_context_ival", s);
}

Tt_status tt_message_context_bval(Tt_message m, const char* slotname, unsigned char** value, int* len) {
    Context* c = nullptr;
    Tt_status s = context_at(m, slotname, &c);
    if (s == TT_OK) s = read_bytes(c->value, value, len);
    return report("tt_message_context_bval", s);
}

Tt_status tt_message_context_xval(Tt_message m, const char* slotname, xdrproc_t xdr_proc, void* value) {
    Context* c = nullptr;
    Tt_status s = context_at(m, slotname, &c);
    if (s == TT_OK) s = read_xdr(c->value, xdr_proc, value);
    return report("tt_message_context_xval", s);
}

Tt_status tt_message_context_set(Tt_message m, const char* slotname, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = set_context(m, slotname, string_value(value));
    return report("tt_message_context_set", s);
}

Tt_status tt_message_icontext_set(Tt_message m, const char* slotname, int value) {
    return report("tt_message_icontext_set", set_context(m, slotname, int_value(value)));
}

Tt_status tt_message_bcontext_set(Tt_message m, const char* slotname, const unsigned char* value, int len) {
    Tt_status s = len < 0 ? TT_ERR_NUM : set_context(m, slotname, bytes_value(value, len));
    return report("tt_message_bcontext_set", s);
}

Tt_status tt_message_xcontext_set(Tt_message m, const char* slotname, xdrproc_t xdr_proc, void* value) {
    Value v;
    Tt_status s = need_open();
    if (s == TT_OK) s = xdr_value(xdr_proc, value, v);
    if (s == TT_OK) s = set_context(m, slotname, v);
    return report("tt_message_xcontext_set", s);
}

Tt_status tt_context_join(const char* slotname, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = join_or_quit("ContextJoin", slotname, string_value(value));
    return report("tt_context_join", s);
}

Tt_status tt_icontext_join(const char* slotname, int value) {
    return report("tt_icontext_join", join_or_quit("ContextJoin", slotname, int_value(value)));
}

Tt_status tt_bcontext_join(const char* slotname, const unsigned char* value, int len) {
    Tt_status s = len < 0 ? TT_ERR_NUM : join_or_quit("ContextJoin", slotname, bytes_value(value, len));
    return report("tt_bcontext_join", s);
}

Tt_status tt_xcontext_join(const char* slotname, xdrproc_t xdr_proc, void* value) {
    return report("tt_xcontext_join", xdr_join_or_quit("ContextJoin", slotname, xdr_proc, value));
}

Tt_status tt_context_quit(const char* slotname, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = join_or_quit("ContextQuit", slotname, string_value(value));
    return report("tt_context_quit", s);
}

Tt_status tt_icontext_quit(const char* slotname, int value) {
    return report("tt_icontext_quit", join_or_quit("ContextQuit", slotname, int_value(value)));
}

Tt_status tt_bcontext_quit(const char* slotname, const unsigned char* value, int len) {
    Tt_status s = len < 0 ? TT_ERR_NUM : join_or_quit("ContextQuit", slotname, bytes_value(value, len));
    return report("tt_bcontext_quit", s);
}

Tt_status tt_xcontext_quit(const char* slotname, xdrproc_t xdr_proc, void* value) {
    return report("tt_xcontext_quit", xdr_join_or_quit("ContextQuit", slotname, xdr_proc, value));
}

int tt_message_contexts_count(Tt_message m) {
    Message* msg = nullptr;
    if (Tt_status s = need_message(m, &msg); s != TT_OK) return report_int("tt_message_contexts_count", s);
    return static_cast<int>(msg->w.body.contexts.size());
}

char* tt_message_context_slotname(Tt_message m, int i) {
    Message* msg = nullptr;
    Tt_status s = need_message(m, &msg);
    if (s == TT_OK && (i < 0 || static_cast<std::size_t>(i) >= msg->w.body.contexts.size())) s = TT_ERR_NUM;
    if (s != TT_OK) return report_ptr("tt_message_context_slotname", s);
    return stack_string(msg->w.body.contexts[static_cast<std::size_t>(i)].slot);
}

}  // extern "C"
