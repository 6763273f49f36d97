#include "specs.h"

#include "client.h"
#include "paths.h"

#include "protocol/wire.h"

namespace ttc {

Tt_status spec_call(const char* member, const Connection::Build& build, Reply* reply) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    return client()->current->bus->call(BROKER_IFACE, member, build, reply);
}

Tt_status spec_known(const std::string& objid) {
    if (!ttbus::protocol::is_objid(objid)) return TT_ERR_OBJID;
    return spec_call("Spec", [&](sd_bus_message* m) {
        return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, objid.c_str());
    });
}

Tt_status file_argument(const char* path, std::string& out) {
    if (Tt_status s = need_string(path, TT_ERR_PATH); s != TT_OK) return s;
    if (*path == '\0') return TT_ERR_PATH;
    out = canonical_path(path);
    return TT_OK;
}

int append_props(sd_bus_message* m, const std::vector<ttbus::protocol::SpecProperty>& props) {
    try {
        ttbus::protocol::Writer w(m);
        write_spec_props(w, props);
        return 0;
    } catch (const ttbus::protocol::Failure&) {
        return -EINVAL;
    }
}

}  // namespace ttc
