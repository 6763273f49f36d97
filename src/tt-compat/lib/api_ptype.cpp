// Ptype declaration and the ptype/otype opnum callbacks (which live only in this process).
#include "client.h"
#include "status.h"

using namespace ttc;

namespace {

Tt_status ptype_call(const char* member, const char* ptid) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(ptid, TT_ERR_PTYPE); s != TT_OK) return s;
    return client()->current->call(
        member, [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, ptid); });
}

Tt_status add_callback(std::map<CallbackKey, std::vector<Tt_message_callback>> Client::*table, const char* type,
                       int opnum, Tt_message_callback f, Tt_status bad_type) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(type, bad_type); s != TT_OK) return s;
    if (f == nullptr) return TT_ERR_POINTER;
    (client()->*table)[CallbackKey{type, opnum}].push_back(f);
    return TT_OK;
}

}  // namespace

extern "C" {

// The first declared ptype becomes the procid's default ptype (the sender ptype of its messages).
Tt_status tt_ptype_declare(const char* ptid) {
    Tt_status s = ptype_call("PtypeDeclare", ptid);
    if (s == TT_OK && client()->current->default_ptype.empty()) client()->current->default_ptype = ptid;
    return report("tt_ptype_declare", s);
}

Tt_status tt_ptype_undeclare(const char* ptid) {
    return report("tt_ptype_undeclare", ptype_call("PtypeUndeclare", ptid));
}

Tt_status tt_ptype_exists(const char* ptid) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(ptid, TT_ERR_PTYPE);
    if (s == TT_OK) {
        s = client()->current->bus->call(BROKER_IFACE, "PtypeExists", [&](sd_bus_message* m) {
            return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, ptid);
        });
    }
    return report("tt_ptype_exists", s);
}

Tt_status tt_ptype_opnum_callback_add(const char* ptid, int opnum, Tt_message_callback f) {
    return report("tt_ptype_opnum_callback_add", add_callback(&Client::ptype_callbacks, ptid, opnum, f, TT_ERR_PTYPE));
}

Tt_status tt_otype_opnum_callback_add(const char* otid, int opnum, Tt_message_callback f) {
    return report("tt_otype_opnum_callback_add", add_callback(&Client::otype_callbacks, otid, opnum, f, TT_ERR_OTYPE));
}

}  // extern "C"
