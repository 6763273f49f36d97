// ToolTalk statuses as D-Bus errors: org.ttbus.Error.<Name>, message "<number> <TT_NAME>: <text>".
#pragma once

#include "core/enums.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ttbus::dbus {

// A call that cannot be carried out: the status names the D-Bus error, the text says why.
// Thrown by the decoders and the service; the method's trampoline turns it into the error reply.
struct Failure : std::runtime_error {
    Failure(std::int32_t s, const std::string& text) : std::runtime_error(text), status(s) {}
    Failure(core::Status s, const std::string& text) : Failure(static_cast<std::int32_t>(s), text) {}
    std::int32_t status;
};

// "TT_ERR_NO_MATCH" -> "org.ttbus.Error.NoMatch"; a status without a name (an application's own
// code) -> "org.ttbus.Error.Failed".
std::string error_name(std::int32_t status);
// "1053 TT_ERR_NO_MATCH: <text>"
std::string error_message(std::int32_t status, const std::string& text);
// Fills `error` with the failure's name and message; returns the negative errno sd-bus expects
// a method handler to return with it.
int set_error(sd_bus_error* error, const Failure& f);

// An sd-bus call that failed for a reason the client did not cause (out of memory, a string that
// is not UTF-8): TT_ERR_INTERNAL naming the call.
[[noreturn]] void bus_failure(int r, const char* what);
// Returns r when it is not negative.
inline int check_bus(int r, const char* what) {
    if (r < 0) bus_failure(r, what);
    return r;
}

}  // namespace ttbus::dbus
