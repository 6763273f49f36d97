#include "sd_bus_source.h"

#include <sdbus-c++/Error.h>

#include <cstdint>
#include <limits>
#include <utility>

namespace ttbus::bridge {

namespace {

struct SdBusSource {
    GSource base;  // first, so a GSource* is a SdBusSource*
    sdbus::IConnection* connection;
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

gboolean prepare(GSource* source, gint* timeout_ms) {
    SdBusSource* s = self(source);
    try {
        const auto poll = s->connection->getEventLoopPollData();
        // Changing a polled fd wakes the whole context, so only do it when sd-bus wants other
        // events (POLLOUT while a message waits to be written); at rest it wants POLLIN only.
        const auto events = static_cast<GIOCondition>(poll.events);
        if (events != s->events) {
            g_source_modify_unix_fd(source, s->fd_tag, events);
            s->events = events;
        }
        return deadline_passed(poll.timeout_usec, timeout_ms);
    } catch (const sdbus::Error&) {
        *timeout_ms = 0;
        return TRUE;  // dispatch reports the failure
    }
}

gboolean check(GSource* source) {
    SdBusSource* s = self(source);
    if (g_source_query_unix_fd(source, s->fd_tag) != 0) return TRUE;
    gint ignored = 0;
    try {
        return deadline_passed(s->connection->getEventLoopPollData().timeout_usec, &ignored);
    } catch (const sdbus::Error&) {
        return TRUE;
    }
}

gboolean dispatch(GSource* source, GSourceFunc, gpointer) {
    SdBusSource* s = self(source);
    try {
        while (s->connection->processPendingRequest()) {
        }
        return G_SOURCE_CONTINUE;
    } catch (const sdbus::Error& e) {
        (*s->on_failure)(e.what());
        return G_SOURCE_REMOVE;
    }
}

void finalize(GSource* source) { delete self(source)->on_failure; }

GSourceFuncs source_funcs = {prepare, check, dispatch, finalize, nullptr, nullptr};

}  // namespace

guint attach_sd_bus_source(sdbus::IConnection& connection, std::function<void(const char* why)> on_failure) {
    GSource* source = g_source_new(&source_funcs, sizeof(SdBusSource));
    SdBusSource* s = self(source);
    s->connection = &connection;
    s->on_failure = new std::function<void(const char*)>(std::move(on_failure));
    const auto poll = connection.getEventLoopPollData();
    s->events = static_cast<GIOCondition>(poll.events);
    s->fd_tag = g_source_add_unix_fd(source, poll.fd, s->events);
    g_source_set_name(source, "sd-bus connection to ttbusd");
    const guint id = g_source_attach(source, nullptr);
    g_source_unref(source);  // the context holds it now
    return id;
}

}  // namespace ttbus::bridge
