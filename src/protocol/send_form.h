// What makes a message sendable, judged from its own attributes alone (facts §5.2). The engine
// checks it on every send; libtt checks it before sending one-way, as the classic client library
// did, so a message gets the same status from tt_message_send as from Procid1.Send.
#pragma once

#include "enums.h"

namespace ttbus::protocol {

struct SendForm {
    Class cls = Class::UNDEFINED;
    Address address = Address::LAST;
    Scope scope = Scope::NONE;
    Disposition disposition = Disposition::DISCARD;
    State state = State::CREATED;
    bool has_handler = false;
    bool has_file = false;
    bool has_object = false;
    bool has_otype = false;
};

constexpr Status check_send_form(const SendForm& f) {
    if (f.cls != Class::NOTICE && f.cls != Class::REQUEST && f.cls != Class::OFFER) return Status::ERR_CLASS;
    if (!valid(f.address) || f.address == Address::LAST) return Status::ERR_ADDRESS;
    if (f.cls == Class::OFFER && f.address != Address::PROCEDURE) return Status::ERR_ADDRESS;
    if (!valid(f.scope)) return Status::ERR_SCOPE;
    if ((f.address == Address::PROCEDURE || f.address == Address::HANDLER) && f.scope == Scope::NONE) {
        return Status::ERR_SCOPE;
    }
    if (f.address == Address::HANDLER && !f.has_handler) return Status::ERR_PROCID;
    // The guide: file scopes need the file filled in (TT_SESSION may carry one too).
    if ((f.scope == Scope::FILE || f.scope == Scope::BOTH || f.scope == Scope::FILE_IN_SESSION) && !f.has_file) {
        return Status::ERR_FILE;
    }
    // A TT_OBJECT message names its object; the broker finds the otype in the object's spec (classic
    // libtt asked the file's database at this point). TT_OTYPE names the otype itself.
    if (f.address == Address::OBJECT && !f.has_object) return Status::ERR_OBJID;
    if (f.address == Address::OTYPE && !f.has_otype) return Status::ERR_OTYPE;
    if (f.state != State::CREATED) return Status::ERR_STATE;
    if (!valid(f.disposition)) return Status::ERR_DISPOSITION;
    return Status::OK;
}

}  // namespace ttbus::protocol
