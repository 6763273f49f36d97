// ttbus-bridge: D-Bus services and desktop applications as ToolTalk handlers, and ToolTalk
// notices as D-Bus signals (docs/dbus-bridge.md). One process, one GLib main loop, one procid.
#include "bridge.h"
#include "command_line.h"
#include "bridge_config.h"
#include "dbus_binding.h"
#include "notice_relay.h"
#include "sd_bus_source.h"

#include "types/database.h"

#include "protocol/names.h"

#include <glib-unix.h>
#include <gio/gio.h>
#include <systemd/sd-bus.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

using namespace ttbus::bridge;

struct Run {
    GMainLoop* loop = nullptr;
    int status = 0;
    bool broker_seen = false;
};

void stop(Run& run, int status) {
    if (run.status == 0) run.status = status;
    g_main_loop_quit(run.loop);
}

gboolean on_terminate(gpointer data) {
    stop(*static_cast<Run*>(data), 0);
    return G_SOURCE_REMOVE;
}

// The bridge's procid lives in the broker: when ttbusd goes, so does everything the bridge
// registered, and the bridge ends (with a failure status, so a service manager restarts it).
void on_broker_appeared(GDBusConnection*, const gchar*, const gchar*, gpointer data) {
    static_cast<Run*>(data)->broker_seen = true;
}

void on_broker_vanished(GDBusConnection*, const gchar*, gpointer data) {
    auto& run = *static_cast<Run*>(data);
    if (!run.broker_seen) return;
    g_warning("ttbusd left the bus");
    stop(run, 1);
}

// The ptypes with an x-dbus member in the type database, read from the broker's search path.
std::vector<PtypeBinding> load_bindings() {
    namespace types = ttbus::types;
    const types::FileTypes loaded =
        types::load_database(types::search_path(types::Environment::from_process()), types::CppOptions{});
    std::vector<PtypeBinding> bindings;
    for (const auto& ptype : loaded.types.ptypes) {
        BindingResult r = parse_binding(ptype);
        if (!r.error.empty()) {
            g_warning("ptype %s: x-dbus %s; not served", ptype.id.c_str(), r.error.c_str());
        } else if (r.binding) {
            bindings.push_back(std::move(*r.binding));
        }
    }
    return bindings;
}

}  // namespace

int main(int argc, char** argv) {
    namespace cli = ttbus::cli;
    static const option long_options[] = {
        {"config", required_argument, nullptr, 'c'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    cli::start("ttbus-bridge", argv, 2);
    std::string shipped = TTBUS_BRIDGE_CONFIG;
    for (int c; (c = cli::next_option(argc, argv, "c:hV", long_options)) != -1;) {
        if (c == 'c') {
            shipped = optarg;
        } else if (c == 'h') {
            return cli::print_help(cli::format(_("Usage: ttbus-bridge [-c FILE | --config=FILE]\n"
                                                 "D-Bus services and desktop applications as ToolTalk handlers, and\n"
                                                 "ToolTalk notices as D-Bus signals.\n"
                                                 "  -c, --config=FILE  the shipped configuration to start from (default %s);\n"
                                                 "                     %s overrides it member by member\n"
                                                 "  -h, --help         this help;  --version\n"),
                                               TTBUS_BRIDGE_CONFIG, user_config_path()));
        } else {
            return cli::print_version();
        }
    }
    if (optind < argc) cli::usage_error(cli::format(_("unexpected argument '%s'"), argv[optind]));
    g_set_prgname("ttbus-bridge");

    ConfigResult config = load_config(shipped, user_config_path());
    if (!config.config) {
        std::fprintf(stderr, "ttbus-bridge: %s\n", config.error.c_str());
        return 2;
    }

    Run run;
    run.loop = g_main_loop_new(nullptr, FALSE);
    GError* error = nullptr;
    GDBusConnection* bus = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, &error);
    if (bus == nullptr) {
        cli::error(cli::format(_("cannot connect to the session bus: %s"), error->message));
        g_error_free(error);
        return 1;
    }
    // The broker's connection: sd-bus, so that ToolTalk messages go through the protocol's reader
    // and writer. Owning the name makes the bridge one per bus: a second one would serve every
    // request twice.
    sd_bus* connection = nullptr;
    int r = sd_bus_open_user(&connection);
    if (r >= 0) r = sd_bus_request_name(connection, bridge_bus_name, 0);
    if (r < 0) {
        std::fprintf(stderr, "ttbus-bridge: %s: %s\n", bridge_bus_name, std::strerror(-r));
        run.status = 1;
    } else {
        try {
            Bridge bridge(connection, bus, std::move(*config.config), load_bindings());
            bridge.start();
            attach_sd_bus_source(connection, [&run](const char* why) {
                g_warning("connection to ttbusd: %s", why);
                stop(run, 1);
            });
            const guint watch =
                g_bus_watch_name_on_connection(bus, ttbus::protocol::broker_bus_name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                               on_broker_appeared, on_broker_vanished, &run, nullptr);
            g_unix_signal_add(SIGTERM, on_terminate, &run);
            g_unix_signal_add(SIGINT, on_terminate, &run);
            g_main_loop_run(run.loop);
            g_bus_unwatch_name(watch);
        } catch (const BrokerError& e) {
            std::fprintf(stderr, "ttbus-bridge: %s\n", e.what());
            run.status = 1;
        }
    }
    sd_bus_flush_close_unref(connection);
    g_object_unref(bus);
    g_main_loop_unref(run.loop);
    return run.status;
}
