#include "broker_error.h"

#include "command_line.h"

#include <charconv>
#include <string_view>

namespace ttbus::tools {

namespace {

constexpr std::string_view ttbus_error_prefix = "org.ttbus.Error.";

std::optional<int> leading_status(const std::string& message) {
    int status = 0;
    auto [end, ec] = std::from_chars(message.data(), message.data() + message.size(), status);
    if (ec != std::errc() || end == message.data()) return std::nullopt;
    return status;
}

}  // namespace

BrokerFailure describe(const sdbus::Error& error) {
    const std::string& name = error.getName();
    if (name.starts_with(ttbus_error_prefix)) {
        return {leading_status(error.getMessage()), error.getMessage() + " (" + name + ")"};
    }
    if (name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
        return {std::nullopt, cli::format(_("ttbusd is not running on the session bus and could not be started (%s)"), name)};
    }
    return {std::nullopt, error.getMessage().empty() ? name : error.getMessage() + " (" + name + ")"};
}

}  // namespace ttbus::tools
