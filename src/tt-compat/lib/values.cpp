#include "values.h"

#include "storage.h"
#include "tirpc.h"

#include <string>
#include <vector>

namespace ttc {

Value string_value(const char* s) {
    return s != nullptr ? Value{std::string(s)} : Value{};
}

Value bytes_value(const unsigned char* p, int len) {
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p), len > 0 ? static_cast<std::size_t>(len) : 0);
}

Value int_value(int i) {
    return std::int32_t{i};
}

Tt_status xdr_value(xdrproc_t proc, void* value, Value& out) {
    if (proc == nullptr || value == nullptr) return TT_ERR_POINTER;
    const tirpc::Functions* xdr = tirpc::functions();
    if (xdr == nullptr) return TT_ERR_XDR;
    unsigned long size = xdr->sizeof_(proc, value);
    if (size == 0) return TT_ERR_XDR;
    std::vector<char> buf(size);
    XDR x;
    xdr->mem_create(&x, buf.data(), static_cast<u_int>(size), XDR_ENCODE);
    bool ok = proc(&x, value) != 0;
    u_int used = xdr_getpos(&x);
    xdr_destroy(&x);
    if (!ok || used == 0) return TT_ERR_XDR;
    out = std::string(buf.data(), used);
    return TT_OK;
}

Tt_status read_string(const Value& v, char** out) {
    if (protocol::is_unset(v)) {
        *out = nullptr;
        return TT_OK;
    }
    const auto* i = std::get_if<std::int32_t>(&v);
    *out = stack_string(i != nullptr ? std::to_string(*i) : std::get<std::string>(v));
    return *out != nullptr ? TT_OK : TT_ERR_NOMEM;
}

Tt_status read_bytes(const Value& v, unsigned char** out, int* len) {
    if (out == nullptr || len == nullptr) return TT_ERR_POINTER;
    if (protocol::is_int(v)) return TT_ERR_POINTER;
    if (protocol::is_unset(v)) {
        *out = nullptr;
        *len = 0;
        return TT_OK;
    }
    const std::string& bytes = std::get<std::string>(v);
    *out = stack_bytes(bytes);
    *len = static_cast<int>(bytes.size());
    return *out != nullptr ? TT_OK : TT_ERR_NOMEM;
}

Tt_status read_int(const Value& v, int* out) {
    if (out == nullptr) return TT_ERR_POINTER;
    const auto* i = std::get_if<std::int32_t>(&v);
    if (i == nullptr) return TT_ERR_NUM;
    *out = *i;
    return TT_OK;
}

Tt_status read_xdr(const Value& v, xdrproc_t proc, void* out) {
    if (proc == nullptr || out == nullptr) return TT_ERR_POINTER;
    const auto* bytes = std::get_if<std::string>(&v);
    const tirpc::Functions* xdr = tirpc::functions();
    if (bytes == nullptr || bytes->empty() || xdr == nullptr) return TT_ERR_XDR;
    std::vector<char> buf(bytes->begin(), bytes->end());
    XDR x;
    xdr->mem_create(&x, buf.data(), static_cast<u_int>(buf.size()), XDR_DECODE);
    bool ok = proc(&x, out) != 0;
    xdr_destroy(&x);
    return ok ? TT_OK : TT_ERR_XDR;
}

}  // namespace ttc
