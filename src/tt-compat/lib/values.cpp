#include "values.h"

#include "storage.h"

#include <string>
#include <vector>

namespace ttc {

Value string_value(const char* s) {
    Value v;
    if (s != nullptr) {
        v.kind = Value::BYTES;
        v.bytes = s;
    }
    return v;
}

Value bytes_value(const unsigned char* p, int len) {
    Value v;
    if (p != nullptr) {
        v.kind = Value::BYTES;
        v.bytes.assign(reinterpret_cast<const char*>(p), len > 0 ? static_cast<std::size_t>(len) : 0);
    }
    return v;
}

Value int_value(int i) {
    Value v;
    v.kind = Value::INT;
    v.i = i;
    return v;
}

Tt_status xdr_value(xdrproc_t proc, void* value, Value& out) {
    if (proc == nullptr || value == nullptr) return TT_ERR_POINTER;
    unsigned long size = xdr_sizeof(proc, value);
    if (size == 0) return TT_ERR_XDR;
    std::vector<char> buf(size);
    XDR x;
    xdrmem_create(&x, buf.data(), static_cast<u_int>(size), XDR_ENCODE);
    bool ok = proc(&x, value) != 0;
    u_int used = xdr_getpos(&x);
    xdr_destroy(&x);
    if (!ok || used == 0) return TT_ERR_XDR;
    out.kind = Value::BYTES;
    out.i = 0;
    out.bytes.assign(buf.data(), used);
    return TT_OK;
}

Tt_status read_string(const Value& v, char** out) {
    switch (v.kind) {
    case Value::UNSET: *out = nullptr; return TT_OK;
    case Value::INT: *out = stack_string(std::to_string(v.i)); break;
    case Value::BYTES: *out = stack_string(v.bytes); break;
    }
    return *out != nullptr ? TT_OK : TT_ERR_NOMEM;
}

Tt_status read_bytes(const Value& v, unsigned char** out, int* len) {
    if (out == nullptr || len == nullptr) return TT_ERR_POINTER;
    if (v.kind == Value::INT) return TT_ERR_POINTER;
    if (v.kind == Value::UNSET) {
        *out = nullptr;
        *len = 0;
        return TT_OK;
    }
    *out = stack_bytes(v.bytes);
    *len = static_cast<int>(v.bytes.size());
    return *out != nullptr ? TT_OK : TT_ERR_NOMEM;
}

Tt_status read_int(const Value& v, int* out) {
    if (out == nullptr) return TT_ERR_POINTER;
    if (v.kind != Value::INT) return TT_ERR_NUM;
    *out = v.i;
    return TT_OK;
}

Tt_status read_xdr(const Value& v, xdrproc_t proc, void* out) {
    if (proc == nullptr || out == nullptr) return TT_ERR_POINTER;
    if (v.kind != Value::BYTES || v.bytes.empty()) return TT_ERR_XDR;
    std::vector<char> buf(v.bytes.begin(), v.bytes.end());
    XDR x;
    xdrmem_create(&x, buf.data(), static_cast<u_int>(buf.size()), XDR_DECODE);
    bool ok = proc(&x, out) != 0;
    xdr_destroy(&x);
    return ok ? TT_OK : TT_ERR_XDR;
}

}  // namespace ttc
