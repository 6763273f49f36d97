// What a failed call to ttbusd means to a user. Broker errors are org.ttbus.Error.<Name> with a
// message that starts with the ToolTalk status number (docs/dbus-api.md "Errors"); anything
// else is the bus's or the library's.
#pragma once

#include <sdbus-c++/Error.h>

#include <cstdint>
#include <optional>
#include <string>

namespace ttbus::tools {

struct BrokerFailure {
    std::optional<std::int32_t> status;  // the ToolTalk status, for org.ttbus.Error.* errors
    std::string text;           // one line for a person
};

BrokerFailure describe(const sdbus::Error& error);

}  // namespace ttbus::tools
