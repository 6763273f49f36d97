// ttbus-bridge: D-Bus services and desktop applications as ToolTalk handlers, and ToolTalk
// notices as D-Bus signals (docs/dbus-bridge.md). One process, one GLib main loop, one procid,
// one D-Bus connection (sd-bus, polled from the loop).
#include "bridge.h"
#include "command_line.h"
#include "bridge_config.h"
#include "dbus_binding.h"
#include "notice_relay.h"
#include "sd_bus_source.h"

#include "types/database.h"

#include "protocol/names.h"

#include <glib-unix.h>
#include <systemd/sd-bus.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

using namespace ttbus::bridge;

struct Run {
    GMainLoop* loop = nullptr;
    int status = 0;
};

void stop(Run& run, int status) {
    if (run.status == 0) run.status = status;
    g_main_loop_quit(run.loop);
}

gboolean on_terminate(gpointer data) {
    stop(*static_cast<Run*>(data), 0);
    return G_SOURCE_REMOVE;
}

// The bridge's procid lives in the broker: when the ttbusd it talks to goes, so does everything the
// bridge registered, and the bridge ends (with a failure status, so a service manager restarts it).
// A change with no old owner is the broker's start (activated by Open), not its end.
int on_broker_owner_changed(sd_bus_message* m, void* data, sd_bus_error*) {
    const char* name = nullptr;
    const char* old_owner = nullptr;
    const char* new_owner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || *old_owner == '\0') return 0;
    g_warning("ttbusd left the bus");
    stop(*static_cast<Run*>(data), 1);
    return 0;
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
    // Owning the name makes the bridge one per bus: a second one would serve every request twice.
    // The broker's name is watched from before the first call to it, so no departure is missed.
    sd_bus* bus = nullptr;
    sd_bus_slot* watch = nullptr;
    const std::string watch_rule = std::string("type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                                               "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='") +
                                   ttbus::protocol::broker_bus_name + "'";
    int r = sd_bus_open_user(&bus);
    if (r < 0) {
        cli::error(cli::format(_("cannot connect to the session bus: %s"), std::strerror(-r)));
        g_main_loop_unref(run.loop);
        return 1;
    }
    r = sd_bus_request_name(bus, bridge_bus_name, 0);
    if (r >= 0) r = sd_bus_add_match(bus, &watch, watch_rule.c_str(), on_broker_owner_changed, &run);
    if (r < 0) {
        std::fprintf(stderr, "ttbus-bridge: %s: %s\n", bridge_bus_name, std::strerror(-r));
        run.status = 1;
    } else {
        try {
            Bridge bridge(bus, std::move(*config.config), load_bindings());
            bridge.start();
            attach_sd_bus_source(bus, [&run](const char* why) {
                g_warning("connection to the bus: %s", why);
                stop(run, 1);
            });
            g_unix_signal_add(SIGTERM, on_terminate, &run);
            g_unix_signal_add(SIGINT, on_terminate, &run);
            g_main_loop_run(run.loop);
        } catch (const BrokerError& e) {
            std::fprintf(stderr, "ttbus-bridge: %s\n", e.what());
            run.status = 1;
        }
    }
    sd_bus_slot_unref(watch);
    sd_bus_flush_close_unref(bus);
    g_main_loop_unref(run.loop);
    return run.status;
}
