// <Tt/tt_c.h> keeps the classic public enums, spelt out for C programs; the numbers that cross the
// wire are the protocol's (src/protocol/enums.h). Every enumerator of the protocol is checked here
// against its classic name at compile time, so the two cannot drift apart.
#include <Tt/tt_c.h>

#include "protocol/enums.h"

namespace {

using namespace ttbus::protocol;

template <typename C, typename P>
constexpr bool same(C classic, P wire) {
    return static_cast<long>(classic) == static_cast<long>(wire);
}

static_assert(same(TT_OK, Status::OK));
static_assert(same(TT_WRN_NOTFOUND, Status::WRN_NOTFOUND));
static_assert(same(TT_WRN_STALE_OBJID, Status::WRN_STALE_OBJID));
static_assert(same(TT_WRN_STOPPED, Status::WRN_STOPPED));
static_assert(same(TT_WRN_SAME_OBJID, Status::WRN_SAME_OBJID));
static_assert(same(TT_WRN_START_MESSAGE, Status::WRN_START_MESSAGE));
static_assert(same(TT_WRN_NOT_ENABLED, Status::WRN_NOT_ENABLED));
static_assert(same(TT_WRN_APPFIRST, Status::WRN_APPFIRST));
static_assert(same(TT_WRN_LAST, Status::WRN_LAST));
static_assert(same(TT_ERR_CLASS, Status::ERR_CLASS));
static_assert(same(TT_ERR_DBAVAIL, Status::ERR_DBAVAIL));
static_assert(same(TT_ERR_DBEXIST, Status::ERR_DBEXIST));
static_assert(same(TT_ERR_FILE, Status::ERR_FILE));
static_assert(same(TT_ERR_INVALID, Status::ERR_INVALID));
static_assert(same(TT_ERR_MODE, Status::ERR_MODE));
static_assert(same(TT_ERR_ACCESS, Status::ERR_ACCESS));
static_assert(same(TT_ERR_NOMP, Status::ERR_NOMP));
static_assert(same(TT_ERR_NOTHANDLER, Status::ERR_NOTHANDLER));
static_assert(same(TT_ERR_NUM, Status::ERR_NUM));
static_assert(same(TT_ERR_OBJID, Status::ERR_OBJID));
static_assert(same(TT_ERR_OP, Status::ERR_OP));
static_assert(same(TT_ERR_OTYPE, Status::ERR_OTYPE));
static_assert(same(TT_ERR_ADDRESS, Status::ERR_ADDRESS));
static_assert(same(TT_ERR_PATH, Status::ERR_PATH));
static_assert(same(TT_ERR_POINTER, Status::ERR_POINTER));
static_assert(same(TT_ERR_PROCID, Status::ERR_PROCID));
static_assert(same(TT_ERR_PROPLEN, Status::ERR_PROPLEN));
static_assert(same(TT_ERR_PROPNAME, Status::ERR_PROPNAME));
static_assert(same(TT_ERR_PTYPE, Status::ERR_PTYPE));
static_assert(same(TT_ERR_DISPOSITION, Status::ERR_DISPOSITION));
static_assert(same(TT_ERR_SCOPE, Status::ERR_SCOPE));
static_assert(same(TT_ERR_SESSION, Status::ERR_SESSION));
static_assert(same(TT_ERR_VTYPE, Status::ERR_VTYPE));
static_assert(same(TT_ERR_NO_VALUE, Status::ERR_NO_VALUE));
static_assert(same(TT_ERR_INTERNAL, Status::ERR_INTERNAL));
static_assert(same(TT_ERR_READONLY, Status::ERR_READONLY));
static_assert(same(TT_ERR_NO_MATCH, Status::ERR_NO_MATCH));
static_assert(same(TT_ERR_UNIMP, Status::ERR_UNIMP));
static_assert(same(TT_ERR_OVERFLOW, Status::ERR_OVERFLOW));
static_assert(same(TT_ERR_PTYPE_START, Status::ERR_PTYPE_START));
static_assert(same(TT_ERR_CATEGORY, Status::ERR_CATEGORY));
static_assert(same(TT_ERR_DBUPDATE, Status::ERR_DBUPDATE));
static_assert(same(TT_ERR_DBFULL, Status::ERR_DBFULL));
static_assert(same(TT_ERR_DBCONSIST, Status::ERR_DBCONSIST));
static_assert(same(TT_ERR_STATE, Status::ERR_STATE));
static_assert(same(TT_ERR_NOMEM, Status::ERR_NOMEM));
static_assert(same(TT_ERR_SLOTNAME, Status::ERR_SLOTNAME));
static_assert(same(TT_ERR_XDR, Status::ERR_XDR));
static_assert(same(TT_ERR_NETFILE, Status::ERR_NETFILE));
static_assert(same(TT_ERR_TOOLATE, Status::ERR_TOOLATE));
static_assert(same(TT_ERR_AUTHORIZATION, Status::ERR_AUTHORIZATION));
static_assert(same(TT_ERR_VERSION_MISMATCH, Status::ERR_VERSION_MISMATCH));
static_assert(same(TT_ERR_APPFIRST, Status::ERR_APPFIRST));
static_assert(same(TT_ERR_LAST, Status::ERR_LAST));
static_assert(same(TT_STATUS_LAST, Status::STATUS_LAST));
static_assert(same(TT_MODE_UNDEFINED, Mode::UNDEFINED));
static_assert(same(TT_IN, Mode::IN));
static_assert(same(TT_OUT, Mode::OUT));
static_assert(same(TT_INOUT, Mode::INOUT));
static_assert(same(TT_MODE_LAST, Mode::LAST));
static_assert(same(TT_SCOPE_NONE, Scope::NONE));
static_assert(same(TT_SESSION, Scope::SESSION));
static_assert(same(TT_FILE, Scope::FILE));
static_assert(same(TT_BOTH, Scope::BOTH));
static_assert(same(TT_FILE_IN_SESSION, Scope::FILE_IN_SESSION));
static_assert(same(TT_CLASS_UNDEFINED, Class::UNDEFINED));
static_assert(same(TT_NOTICE, Class::NOTICE));
static_assert(same(TT_REQUEST, Class::REQUEST));
static_assert(same(TT_OFFER, Class::OFFER));
static_assert(same(TT_CLASS_LAST, Class::LAST));
static_assert(same(TT_CATEGORY_UNDEFINED, Category::UNDEFINED));
static_assert(same(TT_OBSERVE, Category::OBSERVE));
static_assert(same(TT_HANDLE, Category::HANDLE));
static_assert(same(TT_HANDLE_PUSH, Category::HANDLE_PUSH));
static_assert(same(TT_HANDLE_ROTATE, Category::HANDLE_ROTATE));
static_assert(same(TT_CATEGORY_LAST, Category::LAST));
static_assert(same(TT_PROCEDURE, Address::PROCEDURE));
static_assert(same(TT_OBJECT, Address::OBJECT));
static_assert(same(TT_HANDLER, Address::HANDLER));
static_assert(same(TT_OTYPE, Address::OTYPE));
static_assert(same(TT_ADDRESS_LAST, Address::LAST));
static_assert(same(TT_DISCARD, Disposition::DISCARD));
static_assert(same(TT_QUEUE, Disposition::QUEUE));
static_assert(same(TT_START, Disposition::START));
static_assert(same(TT_CREATED, State::CREATED));
static_assert(same(TT_SENT, State::SENT));
static_assert(same(TT_HANDLED, State::HANDLED));
static_assert(same(TT_FAILED, State::FAILED));
static_assert(same(TT_QUEUED, State::QUEUED));
static_assert(same(TT_STARTED, State::STARTED));
static_assert(same(TT_REJECTED, State::REJECTED));
static_assert(same(TT_RETURNED, State::RETURNED));
static_assert(same(TT_ACCEPTED, State::ACCEPTED));
static_assert(same(TT_ABSTAINED, State::ABSTAINED));
static_assert(same(TT_STATE_LAST, State::LAST));

}  // namespace
