// ToolTalk statuses as D-Bus errors: org.ttbus.Error.<Name>, message "<number> <TT_NAME>: <text>"
// (docs/dbus-api.md "Errors"). The broker writes this form; libtt, the bridge and the tools read
// it back with the one parser below, whatever D-Bus stack they hold the error in.
#pragma once

#include "enums.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ttbus::protocol {

inline constexpr std::string_view error_prefix = "org.ttbus.Error.";

// A call that cannot be carried out: the status names the D-Bus error, the text says why.
// Thrown by the reader and the broker's D-Bus face; a method's trampoline turns it into the
// error reply (set_error, wire.h).
struct Failure : std::runtime_error {
    Failure(std::int32_t s, const std::string& text) : std::runtime_error(text), status(s) {}
    Failure(Status s, const std::string& text) : Failure(static_cast<std::int32_t>(s), text) {}
    std::int32_t status;
};

// "TT_ERR_NO_MATCH" -> "org.ttbus.Error.NoMatch"; a status without a name (an application's own
// code) -> "org.ttbus.Error.Failed".
std::string error_name(std::int32_t status);
// "1053 TT_ERR_NO_MATCH: <text>"; "<number>: <text>" for a status without a name.
std::string error_message(std::int32_t status, std::string_view text);

// The status an error carries, read back from its name and message: a message that starts with
// a number and that number's ToolTalk name ("1053 TT_ERR_NO_MATCH: ...") carries it whatever the
// error's name (a D-Bus service may follow ttbus's convention); an org.ttbus.Error.* message that
// starts with a number and ':' carries that number (an application's own code). Anything else,
// including a number out of the int32 range, carries none.
std::optional<std::int32_t> error_status(std::string_view name, std::string_view message);

}  // namespace ttbus::protocol
