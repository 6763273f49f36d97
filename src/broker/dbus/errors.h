// ToolTalk statuses as D-Bus errors: org.ttbus.Error.<Name>, message "<number> <TT_NAME>: <text>".
#pragma once

#include "core/enums.h"

#include <sdbus-c++/Error.h>

#include <cstdint>
#include <string>

namespace ttbus::dbus {

// "TT_ERR_NO_MATCH" -> "org.ttbus.Error.NoMatch"; a status without a name (an application's own
// code) -> "org.ttbus.Error.Failed".
std::string error_name(std::int32_t status);
sdbus::Error make_error(std::int32_t status, const std::string& text);
inline sdbus::Error make_error(core::Status s, const std::string& text) {
    return make_error(static_cast<std::int32_t>(s), text);
}

}  // namespace ttbus::dbus
