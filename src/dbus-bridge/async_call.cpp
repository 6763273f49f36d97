#include "async_call.h"

#include <utility>

namespace ttbus::bridge {

namespace {

int replied(sd_bus_message* reply, void* handler, sd_bus_error*) {
    (*static_cast<ReplyHandler*>(handler))(reply);
    return 0;
}

void forget(void* handler) { delete static_cast<ReplyHandler*>(handler); }

}  // namespace

int call_async(sd_bus* bus, sd_bus_message* call, ReplyHandler on_reply, std::uint64_t timeout_usec) {
    auto* handler = new ReplyHandler(std::move(on_reply));
    sd_bus_slot* slot = nullptr;
    if (int r = sd_bus_call_async(bus, &slot, call, replied, handler, timeout_usec); r < 0) {
        delete handler;
        return r;
    }
    sd_bus_slot_set_destroy_callback(slot, forget);
    sd_bus_slot_set_floating(slot, 1);
    sd_bus_slot_unref(slot);
    return 0;
}

}  // namespace ttbus::bridge
