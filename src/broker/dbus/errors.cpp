#include "errors.h"

#include <cctype>

namespace ttbus::dbus {

std::string error_name(std::int32_t status) {
    std::string_view tt = core::status_name(static_cast<core::Status>(status));
    if (tt.empty()) return "org.ttbus.Error.Failed";
    for (std::string_view prefix : {"TT_ERR_", "TT_WRN_", "TT_"}) {
        if (tt.substr(0, prefix.size()) == prefix) {
            tt.remove_prefix(prefix.size());
            break;
        }
    }
    std::string name = "org.ttbus.Error.";
    bool upper = true;
    for (char c : tt) {
        if (c == '_') {
            upper = true;
            continue;
        }
        name += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        upper = false;
    }
    return name;
}

sdbus::Error make_error(std::int32_t status, const std::string& text) {
    std::string tt(core::status_name(static_cast<core::Status>(status)));
    std::string message = std::to_string(status) + (tt.empty() ? "" : " " + tt) + ": " + text;
    return sdbus::Error(error_name(status), message);
}

}  // namespace ttbus::dbus
