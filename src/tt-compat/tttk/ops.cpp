// The Tttk_op wire strings and the standard vtype names.
#include "toolkit.h"

#include <array>
#include <cstring>

namespace {

// Index = Tttk_op. Compose shares "Edit", and the three mail ops share "Mail": the op alone does
// not tell them apart (the arg modes and opnums do), and tttk_string_op returns the first.
constexpr std::array<const char*, TTDT_OP_LAST> names{
    "TtDtOpNone",  // never returned: TTDT_OP_NONE has no wire string
    "Created", "Deleted", "Do_Command", "Set_Environment", "Get_Environment", "Set_Geometry", "Get_Geometry",
    "Set_Iconified", "Get_Iconified", "Set_Locale", "Get_Locale", "Set_Mapped", "Get_Mapped", "Modified",
    "Reverted", "Get_Modified", "Moved", "Pause", "Resume", "Quit", "Raise", "Lower", "Save", "Revert", "Saved",
    "Set_Situation", "Get_Situation", "Signal", "Started", "Stopped", "Status", "Get_Status", "Get_Sysinfo",
    "Set_XInfo", "Get_XInfo", "Abstract", "Deposit", "Display", "Edit", "Edit", "Interpret", "Print",
    "Translate", "Mail", "Mail", "Mail", "Instantiate",
};

}  // namespace

namespace tttk {

const char* op_name(Tttk_op op) {
    return op > TTDT_OP_NONE && op < TTDT_OP_LAST ? names[op] : "";
}

bool is_notice(Tttk_op op) {
    switch (op) {
    case TTDT_CREATED:
    case TTDT_DELETED:
    case TTDT_MODIFIED:
    case TTDT_REVERTED:
    case TTDT_MOVED:
    case TTDT_SAVED:
    case TTDT_STARTED:
    case TTDT_STOPPED:
    case TTDT_STATUS: return true;
    default: return false;
    }
}

}  // namespace tttk

extern "C" {

const char* Tttk_integer = "integer";
const char* Tttk_string = "string";
const char* Tttk_boolean = "boolean";
const char* Tttk_file = "File";
const char* Tttk_message_id = "messageID";
const char* Tttk_title = "title";
const char* Tttk_width = "width";
const char* Tttk_height = "height";
const char* Tttk_xoffset = "xOffset";
const char* Tttk_yoffset = "yOffset";

char* tttk_op_string(Tttk_op op) {
    const char* name = tttk::op_name(op);
    if (*name == '\0') return nullptr;
    auto* copy = static_cast<char*>(tt_malloc(std::strlen(name) + 1));
    if (copy != nullptr) std::strcpy(copy, name);
    return copy;
}

Tttk_op tttk_string_op(const char* s) {
    if (s == nullptr) return TTDT_OP_NONE;
    for (int op = TTDT_OP_NONE + 1; op < TTDT_OP_LAST; ++op) {
        if (std::strcmp(names[op], s) == 0) return static_cast<Tttk_op>(op);
    }
    return TTDT_OP_NONE;
}

}  // extern "C"
