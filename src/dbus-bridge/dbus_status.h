// Which ToolTalk status a failed D-Bus call gives the request it served, and the status text.
#pragma once

#include "protocol/enums.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <map>
#include <string>

namespace ttbus::bridge {

// The tttk statuses (1100 + Solaris errno, facts §1) the bridge fails requests with.
inline constexpr auto status_no_match = static_cast<std::int32_t>(protocol::Status::ERR_NO_MATCH);
inline constexpr auto status_ptype_start = static_cast<std::int32_t>(protocol::Status::ERR_PTYPE_START);
inline constexpr std::int32_t status_enoent = 1102;        // TT_DESKTOP_ENOENT
inline constexpr std::int32_t status_eacces = 1113;        // TT_DESKTOP_EACCES
inline constexpr std::int32_t status_enomem = 1112;        // TT_DESKTOP_ENOMEM
inline constexpr std::int32_t status_eexist = 1117;        // TT_DESKTOP_EEXIST
inline constexpr std::int32_t status_einval = 1122;        // TT_DESKTOP_EINVAL
inline constexpr std::int32_t status_enotsup = 1148;       // TT_DESKTOP_ENOTSUP
inline constexpr std::int32_t status_eproto = 1171;        // TT_DESKTOP_EPROTO
inline constexpr std::int32_t status_etimedout = 1245;     // TT_DESKTOP_ETIMEDOUT

struct Failure {
    std::int32_t status;
    std::string text;
};

// `overrides` (the binding's "errors") first; then a message that starts with a ToolTalk status
// number and name ("1053 TT_ERR_NO_MATCH: …", ttbus's own convention) keeps that status; then the
// standard D-Bus errors by meaning (docs/dbus-bridge.md has the table); anything else is
// TT_DESKTOP_EPROTO. The text is "<error name>: <message>". sd-bus reports a call whose reply did
// not come in time, or whose connection went, as org.freedesktop.DBus.Error.NoReply.
Failure failure_from_error(const sd_bus_error& error, const std::map<std::string, std::int32_t>& overrides);

// A call that could not be sent (sd-bus's errno): TT_DESKTOP_EPROTO with the reason.
Failure failure_to_send(int r);

}  // namespace ttbus::bridge
