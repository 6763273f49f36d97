// Drives an sd-bus connection from a GLib main loop, so the bridge has one single-threaded
// event loop for the broker connection (sd-bus) and for GIO (services, applications): a GSource
// that polls the connection's descriptor with the events and timeout sd-bus asks for, and
// dispatches every pending message when it is ready.
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

#include <functional>

namespace ttbus::bridge {

// Attaches the source to the default main context. `on_failure` runs (once) when processing the
// connection fails — the connection is broken and the bridge cannot go on.
// Returns the source id (g_source_remove ends it).
guint attach_sd_bus_source(sd_bus* bus, std::function<void(const char* why)> on_failure);

}  // namespace ttbus::bridge
