#include "dbus_status.h"

#include "protocol/errors.h"

#include <cstring>
#include <optional>
#include <string_view>

namespace ttbus::bridge {

namespace {

std::optional<std::int32_t> standard_status(std::string_view name) {
    constexpr std::string_view prefix = "org.freedesktop.DBus.Error.";
    if (!name.starts_with(prefix)) return std::nullopt;
    const std::string_view e = name.substr(prefix.size());
    // The service is not there and cannot be started: what a failed ptype start is in ToolTalk.
    if (e == "ServiceUnknown" || e == "NameHasNoOwner" || e.starts_with("Spawn.")) return status_ptype_start;
    // The service is there but has no such method: it cannot do the op.
    if (e == "UnknownMethod" || e == "UnknownObject" || e == "UnknownInterface" || e == "UnknownProperty" ||
        e == "NotSupported") {
        return status_enotsup;
    }
    if (e == "InvalidArgs" || e == "InvalidSignature") return status_einval;
    if (e == "NoReply" || e == "Timeout" || e == "TimedOut") return status_etimedout;
    if (e == "AccessDenied" || e == "AuthFailed" || e == "InteractiveAuthorizationRequired") return status_eacces;
    if (e == "NoMemory" || e == "LimitsExceeded") return status_enomem;
    if (e == "FileNotFound") return status_enoent;
    if (e == "FileExists") return status_eexist;
    return std::nullopt;
}

}  // namespace

Failure failure_from_error(const sd_bus_error& error, const std::map<std::string, std::int32_t>& overrides) {
    const std::string name = error.name != nullptr ? error.name : "";
    const std::string message = error.message != nullptr ? error.message : "";
    const std::string text = name + ": " + message;
    if (auto it = overrides.find(name); it != overrides.end()) return {it->second, text};
    if (auto s = protocol::error_status(name, message)) return {*s, text};
    if (auto s = standard_status(name)) return {*s, text};
    return {status_eproto, text};
}

Failure failure_to_send(int r) { return {status_eproto, std::string("cannot call: ") + std::strerror(-r)}; }

}  // namespace ttbus::bridge
