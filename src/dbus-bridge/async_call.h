// One asynchronous method call on an sd-bus connection whose reply is handled by a closure: the
// slot floats (it lives until the reply comes, the call times out or the connection goes — sd-bus
// reports the last two as an error reply) and frees the closure, so no caller keeps call state.
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>

namespace ttbus::bridge {

using ReplyHandler = std::function<void(sd_bus_message* reply)>;

// Sends `call`; `on_reply` runs once with the reply or the error reply. `timeout_usec` 0 is
// sd-bus's default. Returns sd-bus's errno (< 0) when the call could not be sent; `on_reply`
// then never runs.
int call_async(sd_bus* bus, sd_bus_message* call, ReplyHandler on_reply, std::uint64_t timeout_usec = 0);

}  // namespace ttbus::bridge
