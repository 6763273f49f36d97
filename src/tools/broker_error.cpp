#include "broker_error.h"

#include "command_line.h"
#include "protocol/errors.h"

namespace ttbus::tools {

BrokerFailure describe(const sdbus::Error& error) {
    const std::string& name = error.getName();
    if (name.starts_with(protocol::error_prefix)) {
        return {protocol::error_status(name, error.getMessage()), error.getMessage() + " (" + name + ")"};
    }
    if (name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
        return {std::nullopt, cli::format(_("ttbusd is not running on the session bus and could not be started (%s)"), name)};
    }
    return {std::nullopt, error.getMessage().empty() ? name : error.getMessage() + " (" + name + ")"};
}

}  // namespace ttbus::tools
