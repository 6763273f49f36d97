#include "errors.h"

#include <cctype>
#include <cstring>

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

std::string error_message(std::int32_t status, const std::string& text) {
    std::string tt(core::status_name(static_cast<core::Status>(status)));
    return std::to_string(status) + (tt.empty() ? "" : " " + tt) + ": " + text;
}

int set_error(sd_bus_error* error, const Failure& f) {
    int r = sd_bus_error_set(error, error_name(f.status).c_str(), error_message(f.status, f.what()).c_str());
    return r < 0 ? r : -EIO;
}

void bus_failure(int r, const char* what) {
    throw Failure(core::Status::ERR_INTERNAL, std::string(what) + ": " + std::strerror(-r));
}

}  // namespace ttbus::dbus
