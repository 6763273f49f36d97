// The ToolTalk enumerations, with the numeric values of the classic <Tt/tt_c.h>.
// These values travel on the wire and are stored on disk: they are frozen.
#pragma once

#include <cstdint>
#include <string_view>

namespace ttbus::protocol {

enum class Status : std::int32_t {
    OK = 0,
    WRN_NOTFOUND = 1,
    WRN_STALE_OBJID = 2,
    WRN_STOPPED = 3,
    WRN_SAME_OBJID = 4,
    WRN_START_MESSAGE = 5,
    WRN_NOT_ENABLED = 6,
    WRN_APPFIRST = 512,
    WRN_LAST = 1024,
    ERR_CLASS = 1025,
    ERR_DBAVAIL = 1026,
    ERR_DBEXIST = 1027,
    ERR_FILE = 1028,
    ERR_INVALID = 1029,
    ERR_MODE = 1031,
    ERR_ACCESS = 1032,
    ERR_NOMP = 1033,
    ERR_NOTHANDLER = 1034,
    ERR_NUM = 1035,
    ERR_OBJID = 1036,
    ERR_OP = 1037,
    ERR_OTYPE = 1038,
    ERR_ADDRESS = 1039,
    ERR_PATH = 1040,
    ERR_POINTER = 1041,
    ERR_PROCID = 1042,
    ERR_PROPLEN = 1043,
    ERR_PROPNAME = 1044,
    ERR_PTYPE = 1045,
    ERR_DISPOSITION = 1046,
    ERR_SCOPE = 1047,
    ERR_SESSION = 1048,
    ERR_VTYPE = 1049,
    ERR_NO_VALUE = 1050,
    ERR_INTERNAL = 1051,
    ERR_READONLY = 1052,
    ERR_NO_MATCH = 1053,
    ERR_UNIMP = 1054,
    ERR_OVERFLOW = 1055,
    ERR_PTYPE_START = 1056,
    ERR_CATEGORY = 1057,
    ERR_DBUPDATE = 1058,
    ERR_DBFULL = 1059,
    ERR_DBCONSIST = 1060,
    ERR_STATE = 1061,
    ERR_NOMEM = 1062,
    ERR_SLOTNAME = 1063,
    ERR_XDR = 1064,
    ERR_NETFILE = 1065,
    ERR_TOOLATE = 1066,
    ERR_AUTHORIZATION = 1067,
    ERR_VERSION_MISMATCH = 1068,
    ERR_APPFIRST = 1536,
    ERR_LAST = 2047,
    STATUS_LAST = 2048,
};

enum class Mode : std::int32_t { UNDEFINED = 0, IN = 1, OUT = 2, INOUT = 3, LAST = 4 };
// Whether an arg of this mode carries a value to its handler (in, inout), or back from it (out,
// inout: what a reply may change).
constexpr bool is_in(Mode m) { return m == Mode::IN || m == Mode::INOUT; }
constexpr bool is_out(Mode m) { return m == Mode::OUT || m == Mode::INOUT; }

enum class Scope : std::int32_t { NONE = 0, SESSION = 1, FILE = 2, BOTH = 3, FILE_IN_SESSION = 4 };
inline constexpr std::int32_t scope_count = 5;

enum class Class : std::int32_t { UNDEFINED = 0, NOTICE = 1, REQUEST = 2, OFFER = 3, LAST = 4 };

enum class Category : std::int32_t {
    UNDEFINED = 0, OBSERVE = 1, HANDLE = 2, HANDLE_PUSH = 3, HANDLE_ROTATE = 4, LAST = 5
};

enum class Address : std::int32_t { PROCEDURE = 0, OBJECT = 1, HANDLER = 2, OTYPE = 3, LAST = 4 };

// Bit flags: START|QUEUE (3) is legal.
enum class Disposition : std::int32_t { DISCARD = 0, QUEUE = 1, START = 2 };
inline constexpr std::int32_t disposition_count = 4;

enum class State : std::int32_t {
    CREATED = 0, SENT = 1, HANDLED = 2, FAILED = 3, QUEUED = 4, STARTED = 5,
    REJECTED = 6, RETURNED = 7, ACCEPTED = 8, ABSTAINED = 9, LAST = 10
};

inline constexpr bool is_error(Status s) { return static_cast<std::int32_t>(s) > 1024; }

inline constexpr bool has(Disposition set, Disposition flag) {
    return (static_cast<std::int32_t>(set) & static_cast<std::int32_t>(flag)) != 0;
}

// Range checks for values that arrive from outside (D-Bus, type files, the C API).
inline constexpr bool valid(Mode m) { auto v = static_cast<std::int32_t>(m); return v >= 0 && v < 4; }
inline constexpr bool valid(Scope s) { auto v = static_cast<std::int32_t>(s); return v >= 0 && v < scope_count; }
inline constexpr bool valid(Class c) { auto v = static_cast<std::int32_t>(c); return v >= 0 && v < 4; }
inline constexpr bool valid(Category c) { auto v = static_cast<std::int32_t>(c); return v >= 0 && v < 5; }
inline constexpr bool valid(Address a) { auto v = static_cast<std::int32_t>(a); return v >= 0 && v < 4; }
inline constexpr bool valid(Disposition d) {
    auto v = static_cast<std::int32_t>(d); return v >= 0 && v < disposition_count;
}
inline constexpr bool valid(State s) { auto v = static_cast<std::int32_t>(s); return v >= 0 && v < 10; }

// The classic enumerator name ("TT_ERR_NO_MATCH"); "" for a value that has none.
std::string_view status_name(Status s);
std::string_view name(Scope s);
std::string_view name(Class c);
std::string_view name(Category c);
std::string_view name(Address a);
std::string_view name(Disposition d);
std::string_view name(State s);
std::string_view name(Mode m);

}  // namespace ttbus::protocol
