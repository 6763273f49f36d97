#include "enums.h"
#include "value.h"

#include <array>
#include <utility>

namespace ttbus::protocol {

std::string_view status_name(Status s) {
    static constexpr std::array<std::pair<Status, std::string_view>, 55> names{{
        {Status::OK, "TT_OK"},
        {Status::WRN_NOTFOUND, "TT_WRN_NOTFOUND"},
        {Status::WRN_STALE_OBJID, "TT_WRN_STALE_OBJID"},
        {Status::WRN_STOPPED, "TT_WRN_STOPPED"},
        {Status::WRN_SAME_OBJID, "TT_WRN_SAME_OBJID"},
        {Status::WRN_START_MESSAGE, "TT_WRN_START_MESSAGE"},
        {Status::WRN_NOT_ENABLED, "TT_WRN_NOT_ENABLED"},
        {Status::WRN_APPFIRST, "TT_WRN_APPFIRST"},
        {Status::WRN_LAST, "TT_WRN_LAST"},
        {Status::ERR_CLASS, "TT_ERR_CLASS"},
        {Status::ERR_DBAVAIL, "TT_ERR_DBAVAIL"},
        {Status::ERR_DBEXIST, "TT_ERR_DBEXIST"},
        {Status::ERR_FILE, "TT_ERR_FILE"},
        {Status::ERR_INVALID, "TT_ERR_INVALID"},
        {Status::ERR_MODE, "TT_ERR_MODE"},
        {Status::ERR_ACCESS, "TT_ERR_ACCESS"},
        {Status::ERR_NOMP, "TT_ERR_NOMP"},
        {Status::ERR_NOTHANDLER, "TT_ERR_NOTHANDLER"},
        {Status::ERR_NUM, "TT_ERR_NUM"},
        {Status::ERR_OBJID, "TT_ERR_OBJID"},
        {Status::ERR_OP, "TT_ERR_OP"},
        {Status::ERR_OTYPE, "TT_ERR_OTYPE"},
        {Status::ERR_ADDRESS, "TT_ERR_ADDRESS"},
        {Status::ERR_PATH, "TT_ERR_PATH"},
        {Status::ERR_POINTER, "TT_ERR_POINTER"},
        {Status::ERR_PROCID, "TT_ERR_PROCID"},
        {Status::ERR_PROPLEN, "TT_ERR_PROPLEN"},
        {Status::ERR_PROPNAME, "TT_ERR_PROPNAME"},
        {Status::ERR_PTYPE, "TT_ERR_PTYPE"},
        {Status::ERR_DISPOSITION, "TT_ERR_DISPOSITION"},
        {Status::ERR_SCOPE, "TT_ERR_SCOPE"},
        {Status::ERR_SESSION, "TT_ERR_SESSION"},
        {Status::ERR_VTYPE, "TT_ERR_VTYPE"},
        {Status::ERR_NO_VALUE, "TT_ERR_NO_VALUE"},
        {Status::ERR_INTERNAL, "TT_ERR_INTERNAL"},
        {Status::ERR_READONLY, "TT_ERR_READONLY"},
        {Status::ERR_NO_MATCH, "TT_ERR_NO_MATCH"},
        {Status::ERR_UNIMP, "TT_ERR_UNIMP"},
        {Status::ERR_OVERFLOW, "TT_ERR_OVERFLOW"},
        {Status::ERR_PTYPE_START, "TT_ERR_PTYPE_START"},
        {Status::ERR_CATEGORY, "TT_ERR_CATEGORY"},
        {Status::ERR_DBUPDATE, "TT_ERR_DBUPDATE"},
        {Status::ERR_DBFULL, "TT_ERR_DBFULL"},
        {Status::ERR_DBCONSIST, "TT_ERR_DBCONSIST"},
        {Status::ERR_STATE, "TT_ERR_STATE"},
        {Status::ERR_NOMEM, "TT_ERR_NOMEM"},
        {Status::ERR_SLOTNAME, "TT_ERR_SLOTNAME"},
        {Status::ERR_XDR, "TT_ERR_XDR"},
        {Status::ERR_NETFILE, "TT_ERR_NETFILE"},
        {Status::ERR_TOOLATE, "TT_ERR_TOOLATE"},
        {Status::ERR_AUTHORIZATION, "TT_ERR_AUTHORIZATION"},
        {Status::ERR_VERSION_MISMATCH, "TT_ERR_VERSION_MISMATCH"},
        {Status::ERR_APPFIRST, "TT_ERR_APPFIRST"},
        {Status::ERR_LAST, "TT_ERR_LAST"},
        {Status::STATUS_LAST, "TT_STATUS_LAST"},
    }};
    for (const auto& [value, text] : names) {
        if (value == s) return text;
    }
    return {};
}

namespace {
template <typename E, std::size_t N>
std::string_view lookup(E value, const std::array<std::string_view, N>& names) {
    auto i = static_cast<std::size_t>(value);
    return i < N ? names[i] : std::string_view{};
}
}  // namespace

std::string_view name(Scope s) {
    static constexpr std::array<std::string_view, 5> n{"TT_SCOPE_NONE", "TT_SESSION", "TT_FILE", "TT_BOTH",
                                                       "TT_FILE_IN_SESSION"};
    return lookup(s, n);
}
std::string_view name(Class c) {
    static constexpr std::array<std::string_view, 5> n{"TT_CLASS_UNDEFINED", "TT_NOTICE", "TT_REQUEST", "TT_OFFER",
                                                       "TT_CLASS_LAST"};
    return lookup(c, n);
}
std::string_view name(Category c) {
    static constexpr std::array<std::string_view, 6> n{"TT_CATEGORY_UNDEFINED", "TT_OBSERVE", "TT_HANDLE",
                                                       "TT_HANDLE_PUSH", "TT_HANDLE_ROTATE", "TT_CATEGORY_LAST"};
    return lookup(c, n);
}
std::string_view name(Address a) {
    static constexpr std::array<std::string_view, 5> n{"TT_PROCEDURE", "TT_OBJECT", "TT_HANDLER", "TT_OTYPE",
                                                       "TT_ADDRESS_LAST"};
    return lookup(a, n);
}
std::string_view name(Disposition d) {
    static constexpr std::array<std::string_view, 4> n{"TT_DISCARD", "TT_QUEUE", "TT_START", "TT_START+TT_QUEUE"};
    return lookup(d, n);
}
std::string_view name(State s) {
    static constexpr std::array<std::string_view, 11> n{"TT_CREATED",  "TT_SENT",     "TT_HANDLED", "TT_FAILED",
                                                        "TT_QUEUED",   "TT_STARTED",  "TT_REJECTED", "TT_RETURNED",
                                                        "TT_ACCEPTED", "TT_ABSTAINED", "TT_STATE_LAST"};
    return lookup(s, n);
}
std::string_view name(Mode m) {
    static constexpr std::array<std::string_view, 5> n{"TT_MODE_UNDEFINED", "TT_IN", "TT_OUT", "TT_INOUT",
                                                       "TT_MODE_LAST"};
    return lookup(m, n);
}

std::string to_display(const Value& v) {
    if (is_int(v)) return std::to_string(std::get<std::int32_t>(v));
    if (is_bytes(v)) return std::get<std::string>(v);
    return "(unset)";
}

}  // namespace ttbus::protocol
