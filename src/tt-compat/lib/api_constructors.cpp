// The convenience constructors: create + class + address + scope/object + op.
#include "client.h"
#include "status.h"

using namespace ttc;

namespace {

Tt_message build(const char* func, Tt_class cls, Tt_address address, Tt_scope scope, const char* objid,
                 const char* op) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(op, TT_OK);
    if (s == TT_OK && address == TT_OBJECT) s = need_string(objid, TT_ERR_OBJID);
    if (s == TT_OK && (scope < TT_SCOPE_NONE || scope > TT_FILE_IN_SESSION)) s = TT_ERR_SCOPE;
    if (s != TT_OK) return report_handle<Tt_message>(func, s);
    Tt_message h = tt_message_create();
    Message* m = client()->messages.find(h);
    m->w.body.cls = static_cast<protocol::Class>(cls);
    m->w.body.address = static_cast<protocol::Address>(address);
    m->w.header.scope = static_cast<protocol::Scope>(scope);
    if (objid != nullptr) m->w.body.object = objid;
    if (op != nullptr) m->w.body.op = op;
    return h;
}

}  // namespace

extern "C" {

Tt_message tt_pnotice_create(Tt_scope scope, const char* op) {
    return build("tt_pnotice_create", TT_NOTICE, TT_PROCEDURE, scope, nullptr, op);
}

Tt_message tt_prequest_create(Tt_scope scope, const char* op) {
    return build("tt_prequest_create", TT_REQUEST, TT_PROCEDURE, scope, nullptr, op);
}

Tt_message tt_onotice_create(const char* objid, const char* op) {
    return build("tt_onotice_create", TT_NOTICE, TT_OBJECT, TT_SCOPE_NONE, objid, op);
}

Tt_message tt_orequest_create(const char* objid, const char* op) {
    return build("tt_orequest_create", TT_REQUEST, TT_OBJECT, TT_SCOPE_NONE, objid, op);
}

}  // extern "C"
