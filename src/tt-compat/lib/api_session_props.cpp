// Session properties (each name holds an ordered list of byte values) and tt_session_types_load.
#include "client.h"
#include "status.h"
#include "storage.h"
#include "values.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

using namespace ttc;

namespace {

constexpr std::size_t MAX_PROPNAME = 64;

enum SetMode : std::uint32_t { REPLACE = 0, APPEND = 1 };

Tt_status audit(const char* sessid, const char* propname) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(sessid, TT_ERR_SESSION); s != TT_OK) return s;
    if (Tt_status s = need_string(propname, TT_ERR_PROPNAME); s != TT_OK) return s;
    if (std::strlen(propname) > MAX_PROPNAME || *propname == '\0') return TT_ERR_PROPNAME;
    return TT_OK;
}

Tt_status names(const char* sessid, std::vector<std::string>& out) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(sessid, TT_ERR_SESSION); s != TT_OK) return s;
    Reply reply;
    Tt_status s = client()->current->bus->call(
        BROKER_IFACE, "SessionPropertyNames",
        [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, sessid); }, &reply);
    if (s != TT_OK) return s;
    int r = sd_bus_message_enter_container(reply.m, SD_BUS_TYPE_ARRAY, "s");
    const char* name = nullptr;
    while (r >= 0 && (r = sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_STRING, &name)) > 0) out.emplace_back(name);
    return r < 0 ? TT_ERR_INTERNAL : TT_OK;
}

Tt_status values(const char* sessid, const char* propname, std::vector<std::string>& out) {
    if (Tt_status s = audit(sessid, propname); s != TT_OK) return s;
    Reply reply;
    Tt_status s = client()->current->bus->call(
        BROKER_IFACE, "SessionProperty",
        [&](sd_bus_message* m) { return sd_bus_message_append(m, "ss", sessid, propname); }, &reply);
    if (s != TT_OK) return s;
    int r = sd_bus_message_enter_container(reply.m, SD_BUS_TYPE_ARRAY, "ay");
    while (r >= 0) {
        const void* p = nullptr;
        std::size_t n = 0;
        r = sd_bus_message_read_array(reply.m, SD_BUS_TYPE_BYTE, &p, &n);
        if (r <= 0) break;
        out.emplace_back(static_cast<const char*>(p), n);
    }
    return r < 0 ? TT_ERR_INTERNAL : TT_OK;
}

Tt_status value_at(const char* sessid, const char* propname, int i, std::string& out) {
    std::vector<std::string> all;
    if (Tt_status s = values(sessid, propname, all); s != TT_OK) return s;
    if (i < 0 || static_cast<std::size_t>(i) >= all.size()) return TT_ERR_NUM;
    out = all[static_cast<std::size_t>(i)];
    return TT_OK;
}

Tt_status store(const char* sessid, const char* propname, const void* value, std::size_t len, SetMode mode) {
    if (Tt_status s = audit(sessid, propname); s != TT_OK) return s;
    return client()->current->bus->call(BROKER_IFACE, "SetSessionProperty", [&](sd_bus_message* m) {
        std::uint32_t how = mode;
        int r = sd_bus_message_append(m, "ss", sessid, propname);
        if (r >= 0) r = sd_bus_message_append_array(m, SD_BUS_TYPE_BYTE, value, len);
        if (r >= 0) r = sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &how);
        return r;
    });
}

Tt_status store_string(const char* sessid, const char* propname, const char* value, SetMode mode) {
    if (Tt_status s = need_string(value, TT_ERR_POINTER); s != TT_OK) return s;
    return store(sessid, propname, value, std::strlen(value), mode);
}

Tt_status store_bytes(const char* sessid, const char* propname, const unsigned char* value, int len, SetMode mode) {
    if (len < 0) return TT_ERR_NUM;
    if (value == nullptr && len > 0) return TT_ERR_POINTER;
    return store(sessid, propname, value, static_cast<std::size_t>(len), mode);
}

}  // namespace

extern "C" {

char* tt_session_propname(const char* sessid, int n) {
    std::vector<std::string> all;
    Tt_status s = names(sessid, all);
    if (s == TT_OK && (n < 0 || static_cast<std::size_t>(n) >= all.size())) s = TT_ERR_NUM;
    if (s != TT_OK) return report_ptr("tt_session_propname", s);
    return stack_string(all[static_cast<std::size_t>(n)]);
}

int tt_session_propnames_count(const char* sessid) {
    std::vector<std::string> all;
    if (Tt_status s = names(sessid, all); s != TT_OK) return report_int("tt_session_propnames_count", s);
    return static_cast<int>(all.size());
}

char* tt_session_prop(const char* sessid, const char* propname, int i) {
    std::string v;
    if (Tt_status s = value_at(sessid, propname, i, v); s != TT_OK) return report_ptr("tt_session_prop", s);
    return stack_string(v);
}

Tt_status tt_session_prop_add(const char* sessid, const char* propname, const char* value) {
    return report("tt_session_prop_add", store_string(sessid, propname, value, APPEND));
}

int tt_session_prop_count(const char* sessid, const char* propname) {
    std::vector<std::string> all;
    if (Tt_status s = values(sessid, propname, all); s != TT_OK) return report_int("tt_session_prop_count", s);
    return static_cast<int>(all.size());
}

Tt_status tt_session_prop_set(const char* sessid, const char* propname, const char* value) {
    return report("tt_session_prop_set", store_string(sessid, propname, value, REPLACE));
}

Tt_status tt_session_bprop(const char* sessid, const char* propname, int i, unsigned char** value, int* length) {
    std::string v;
    Tt_status s = value_at(sessid, propname, i, v);
    if (s == TT_OK) s = read_bytes(Value{std::move(v)}, value, length);
    return report("tt_session_bprop", s);
}

Tt_status tt_session_bprop_add(const char* sessid, const char* propname, const unsigned char* value, int length) {
    return report("tt_session_bprop_add", store_bytes(sessid, propname, value, length, APPEND));
}

Tt_status tt_session_bprop_set(const char* sessid, const char* propname, const unsigned char* value, int length) {
    return report("tt_session_bprop_set", store_bytes(sessid, propname, value, length, REPLACE));
}

// Ships a compiled types file (types.xdr) to the broker, which merges it. As in classic libtt the
// types go to the broker of the default session whatever sessid names.
Tt_status tt_session_types_load(const char* sessid, const char* filename) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(sessid, TT_ERR_SESSION);
    if (s == TT_OK) s = need_string(filename, TT_ERR_FILE);
    std::string bytes;
    if (s == TT_OK) {
        std::ifstream in(filename, std::ios::binary);
        if (!in) {
            s = TT_ERR_FILE;
        } else {
            bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }
    if (s == TT_OK) {
        s = client()->current->bus->call(BROKER_IFACE, "LoadTypes", [&](sd_bus_message* m) {
            return sd_bus_message_append_array(m, SD_BUS_TYPE_BYTE, bytes.data(), bytes.size());
        });
    }
    return report("tt_session_types_load", s);
}

}  // extern "C"
