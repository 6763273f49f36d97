// Message arguments: strings, byte strings, integers and XDR-encoded values.
#include "client.h"
#include "status.h"
#include "storage.h"
#include "values.h"

using namespace ttc;

namespace {

Tt_status arg_at(Tt_message h, int n, Arg** out) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return s;
    if (n < 0 || static_cast<std::size_t>(n) >= m->w.body.args.size()) return TT_ERR_NUM;
    *out = &m->w.body.args[static_cast<std::size_t>(n)];
    return TT_OK;
}

Tt_status add_arg(Tt_message h, Tt_mode mode, const char* vtype, const Value& value) {
    Message* m = nullptr;
    if (Tt_status s = need_message(h, &m); s != TT_OK) return s;
    if (mode != TT_IN && mode != TT_OUT && mode != TT_INOUT) return TT_ERR_MODE;
    if (Tt_status s = need_string(vtype, TT_ERR_VTYPE); s != TT_OK) return s;
    if (*vtype == '\0') return TT_ERR_VTYPE;
    m->w.body.args.push_back(Arg{static_cast<protocol::Mode>(mode), vtype, value});
    return TT_OK;
}

Tt_status set_arg(Tt_message h, int n, const Value& value) {
    Arg* a = nullptr;
    Tt_status s = arg_at(h, n, &a);
    if (s == TT_OK) a->value = value;
    return s;
}

}  // namespace

extern "C" {

Tt_status tt_message_arg_add(Tt_message m, Tt_mode n, const char* vtype, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = add_arg(m, n, vtype, string_value(value));
    return report("tt_message_arg_add", s);
}

Tt_status tt_message_barg_add(Tt_message m, Tt_mode n, const char* vtype, const unsigned char* value, int len) {
    Tt_status s = len < 0 ? TT_ERR_NUM : add_arg(m, n, vtype, bytes_value(value, len));
    return report("tt_message_barg_add", s);
}

Tt_status tt_message_iarg_add(Tt_message m, Tt_mode n, const char* vtype, int value) {
    return report("tt_message_iarg_add", add_arg(m, n, vtype, int_value(value)));
}

Tt_status tt_message_xarg_add(Tt_message m, Tt_mode n, const char* vtype, xdrproc_t xdr_proc, void* value) {
    Value v;
    Tt_status s = need_open();
    if (s == TT_OK) s = xdr_value(xdr_proc, value, v);
    if (s == TT_OK) s = add_arg(m, n, vtype, v);
    return report("tt_message_xarg_add", s);
}

Tt_mode tt_message_arg_mode(Tt_message m, int n) {
    Arg* a = nullptr;
    if (Tt_status s = arg_at(m, n, &a); s != TT_OK) {
        report("tt_message_arg_mode", s);
        return TT_MODE_UNDEFINED;
    }
    return static_cast<Tt_mode>(a->mode);
}

char* tt_message_arg_type(Tt_message m, int n) {
    Arg* a = nullptr;
    if (Tt_status s = arg_at(m, n, &a); s != TT_OK) return report_ptr("tt_message_arg_type", s);
    return stack_string(a->vtype);
}

char* tt_message_arg_val(Tt_message m, int n) {
    Arg* a = nullptr;
    char* out = nullptr;
    Tt_status s = arg_at(m, n, &a);
    if (s == TT_OK) s = read_string(a->value, &out);
    return s == TT_OK ? out : report_ptr("tt_message_arg_val", s);
}

Tt_status tt_message_arg_val_set(Tt_message m, int n, const char* value) {
    Tt_status s = need_string(value, TT_OK);
    if (s == TT_OK) s = set_arg(m, n, string_value(value));
    return report("tt_message_arg_val_set", s);
}

Tt_status tt_message_arg_bval(Tt_message m, int n, unsigned char** value, int* len) {
    Arg* a = nullptr;
    Tt_status s = arg_at(m, n, &a);
    if (s == TT_OK) s = read_bytes(a->value, value, len);
    return report("tt_message_arg_bval", s);
}

Tt_status tt_message_arg_bval_set(Tt_message m, int n, const unsigned char* value, int len) {
    Tt_status s = len < 0 ? TT_ERR_NUM : set_arg(m, n, bytes_value(value, len));
    return report("tt_message_arg_bval_set", s);
}

Tt_status tt_message_arg_ival(Tt_message m, int n, int* value) {
    Arg* a = nullptr;
    Tt_status s = arg_at(m, n, &a);
    if (s == TT_OK) s = read_int(a->value, value);
    return report("tt_message_arg_ival", s);
}

Tt_status tt_message_arg_ival_set(Tt_message m, int n, int value) {
    return report("tt_message_arg_ival_set", set_arg(m, n, int_value(value)));
}

Tt_status tt_message_arg_xval(Tt_message m, int n, xdrproc_t xdr_proc, void* value) {
    Arg* a = nullptr;
    Tt_status s = arg_at(m, n, &a);
    if (s == TT_OK) s = read_xdr(a->value, xdr_proc, value);
    return report("tt_message_arg_xval", s);
}

Tt_status tt_message_arg_xval_set(Tt_message m, int n, xdrproc_t xdr_proc, void* value) {
    Arg* a = nullptr;
    Value v;
    Tt_status s = arg_at(m, n, &a);
    if (s == TT_OK) s = xdr_value(xdr_proc, value, v);
    if (s == TT_OK) a->value = v;
    return report("tt_message_arg_xval_set", s);
}

int tt_message_args_count(Tt_message m) {
    Message* msg = nullptr;
    if (Tt_status s = need_message(m, &msg); s != TT_OK) return report_int("tt_message_args_count", s);
    return static_cast<int>(msg->w.body.args.size());
}

}  // extern "C"
