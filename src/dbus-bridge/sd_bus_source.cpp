#include "sd_bus_source.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

namespace ttbus::bridge {

namespace {

struct SdBusSource {
    GSource base;  // first, so a GSource* is a SdBusSource*
    sd_bus* bus;
    gpointer fd_tag;
    GIOCondition events;  // what fd_tag polls for now
    std::function<void(const char*)>* on_failure;
};

SdBusSource* self(GSource* source) { return reinterpret_cast<SdBusSource*>(source); }

// True when the deadline sd-bus gave (absolute CLOCK_MONOTONIC µs) has passed; otherwise sets the
// poll timeout to reach it. sd-bus reports a zero deadline when messages already wait in its
// buffer, which a poll on the socket alone would not see.
bool deadline_passed(std::uint64_t deadline_usec, gint* timeout_ms) {
    if (deadline_usec == std::numeric_limits<std::uint64_t>::max()) {
        *timeout_ms = -1;
        return false;
    }
    const auto now = static_cast<std::uint64_t>(g_get_monotonic_time());
    if (deadline_usec <= now) {
        *timeout_ms = 0;
        return true;
    }
    *timeout_ms = static_cast<gint>((deadline_usec - now + 999) / 1000);
    return false;
}

// What sd-bus waits for: the events on its descriptor and the deadline (absolute CLOCK_MONOTONIC
// µs); false when the connection is broken.
bool poll_data(sd_bus* bus, GIOCondition* events, std::uint64_t* deadline_usec) {
    const int e = sd_bus_get_events(bus);
    if (e < 0 || sd_bus_get_timeout(bus, deadline_usec) < 0) return false;
    *events = static_cast<GIOCondition>(e);
    return true;
}

gboolean prepare(GSource* source, gint* timeout_ms) {
    SdBusSource* s = self(source);
    GIOCondition events{};
    std::uint64_t deadline = 0;
    if (!poll_data(s->bus, &events, &deadline)) {
        *timeout_ms = 0;
        return TRUE;  // dispatch reports the failure
    }
    // Changing a polled fd wakes the whole context, so only do it when sd-bus wants other
    // events (POLLOUT while a message waits to be written); at rest it wants POLLIN only.
    if (events != s->events) {
        g_source_modify_unix_fd(source, s->fd_tag, events);
        s->events = events;
    }
    return deadline_passed(deadline, timeout_ms);
}

gboolean check(GSource* source) {
    SdBusSource* s = self(source);
    if (g_source_query_unix_fd(source, s->fd_tag) != 0) return TRUE;
    GIOCondition events{};
    std::uint64_t deadline = 0;
    gint ignored = 0;
    return !poll_data(s->bus, &events, &deadline) || deadline_passed(deadline, &ignored);
}

gboolean dispatch(GSource* source, GSourceFunc, gpointer) {
    SdBusSource* s = self(source);
    int r = 0;
    while ((r = sd_bus_process(s->bus, nullptr)) > 0) {
    }
    if (r < 0) {
        (*s->on_failure)(std::strerror(-r));
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

void finalize(GSource* source) { delete self(source)->on_failure; }

GSourceFuncs source_funcs = {prepare, check, dispatch, finalize, nullptr, nullptr};

}  // namespace

guint attach_sd_bus_source(sd_bus* bus, std::function<void(const char* why)> on_failure) {
    GSource* source = g_source_new(&source_funcs, sizeof(SdBusSource));
    SdBusSource* s = self(source);
    s->bus = bus;
    s->on_failure = new std::function<void(const char*)>(std::move(on_failure));
    std::uint64_t deadline = 0;
    poll_data(bus, &s->events, &deadline);
    s->fd_tag = g_source_add_unix_fd(source, sd_bus_get_fd(bus), s->events);
    g_source_set_name(source, "sd-bus connection to ttbusd");
    const guint id = g_source_attach(source, nullptr);
    g_source_unref(source);  // the context holds it now
    return id;
}

}  // namespace ttbus::bridge
