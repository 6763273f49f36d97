// ttbusd: the ToolTalk broker on the user's session bus, and on peer-to-peer connections to its
// socket in $XDG_RUNTIME_DIR/ttbus.
//
// One thread, one sd-event loop over the bus, the peer socket and its connections, the signals
// (SIGUSR2 and SIGHUP reload types, SIGCHLD reaps started handlers, SIGTERM/SIGINT stop) and an
// inotify descriptor on the type directories (types/type_watch.h).
#include "command_line.h"

#include "dbus/service.h"
#include "log.h"
#include "protocol/names.h"

#include "types/database.h"
#include "types/type_watch.h"
#include "types/xdr_types.h"

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <sys/epoll.h>
#include <unistd.h>

namespace {

using namespace ttbus;

constexpr const char* bus_name = ttbus::protocol::broker_bus_name;

std::shared_ptr<const core::TypeDb> load_types(std::string& problems) {
    auto path = types::search_path(types::Environment::from_process());
    types::FileTypes loaded = types::load_database(path, types::CppOptions{});
    for (const auto& d : loaded.diagnostics) problems += types::format(d) + "\n";
    return types::build(loaded.types);
}

std::string merge_xdr(const std::string& xdr, std::shared_ptr<const core::TypeDb>& types) {
    types::XdrRead read = types::read_types_xdr(xdr, "<LoadTypes>");
    if (!read.ok()) return types::format(read.diagnostics.front());
    types::TypeSet current{types->ptypes(), types->otypes()};
    types::merge(current, read.types, types::MergeMode::Overwrite);
    // Its otypes may close an inheritance cycle with the ones already there.
    if (std::string what = types::unrepresentable(current); !what.empty()) return "<LoadTypes>: error: " + what;
    types = types::build(current);
    return {};
}

std::string session_prefix() {
    // Session and procid ids must not repeat across broker runs of one boot.
    return "ttbus." + std::to_string(getpid()) + "." + std::to_string(std::time(nullptr)) + ".";
}

struct TypeFiles {
    types::TypeWatch watch{[] { return types::search_path(types::Environment::from_process()); }};
    dbus::Service* service = nullptr;
};

int on_type_files(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* files = static_cast<TypeFiles*>(userdata);
    if (files->watch.changed()) {
        auto [p, o] = files->service->reload_types();
        log::info("type files changed; " + std::to_string(p) + " ptypes, " + std::to_string(o) + " otypes");
    }
    return 0;
}

int on_reload_signal(sd_event_source*, const signalfd_siginfo*, void* userdata) {
    auto [p, o] = static_cast<dbus::Service*>(userdata)->reload_types();
    log::info("types reloaded: " + std::to_string(p) + " ptypes, " + std::to_string(o) + " otypes");
    return 0;
}

int on_child_signal(sd_event_source*, const signalfd_siginfo*, void* userdata) {
    static_cast<dbus::Service*>(userdata)->reap_children();
    return 0;
}

int on_stop_signal(sd_event_source* source, const signalfd_siginfo* si, void*) {
    log::info("exiting on signal " + std::to_string(si->ssi_signo));
    return sd_event_exit(sd_event_source_get_event(source), 0);
}

struct EventUnref {
    void operator()(sd_event* e) const { sd_event_unref(e); }
};
struct BusFlushClose {
    void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};

// A block that always runs sd-bus's and sd-event's clean-up in this order: the service (which
// holds slots on the bus and sources of the loop), then the bus, then the loop.
int serve() {
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGUSR2, SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);

    // Outlives the loop, whose source reads its descriptor.
    TypeFiles type_files;
    sd_event* raw_event = nullptr;
    int r = sd_event_new(&raw_event);
    if (r < 0) {
        log::error(std::string("sd_event_new: ") + std::strerror(-r));
        return 1;
    }
    std::unique_ptr<sd_event, EventUnref> event(raw_event);

    // Without a session bus (a legacy program started the broker in a session that has none) the
    // broker serves its socket alone.
    sd_bus* raw_bus = nullptr;
    r = sd_bus_open_user(&raw_bus);
    if (r >= 0) r = sd_bus_set_exit_on_disconnect(raw_bus, 1);
    if (r >= 0) r = sd_bus_attach_event(raw_bus, raw_event, SD_EVENT_PRIORITY_NORMAL);
    if (r < 0) {
        log::notice(std::string("no session bus (") + std::strerror(-r) + "): serving the peer socket only");
        sd_bus_unref(raw_bus);
        raw_bus = nullptr;
    }
    std::unique_ptr<sd_bus, BusFlushClose> bus(raw_bus);

    // A user manager on the bus means ptypes start as systemd units; asked once, before serving.
    int systemd = 0;
    if (raw_bus != nullptr) {
        sd_bus_message* reply = nullptr;
        sd_bus_error error{};
        if (sd_bus_call_method(raw_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", &error, &reply, "s", "org.freedesktop.systemd1") >= 0) {
            if (sd_bus_message_read(reply, "b", &systemd) < 0) systemd = 0;
        }
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
    }

    dbus::ServiceOptions options;
    options.systemd = systemd != 0;
    options.queue_store = store::default_queue_store_path();
    options.spec_store = store::default_spec_store_path();
    options.session_prefix = session_prefix();
    options.broker_uid = static_cast<std::uint32_t>(getuid());
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && runtime[0] == '/') {
        options.peer_directory = std::string(runtime) + "/ttbus";
    }
    options.version = TTBUS_VERSION;
    options.load_types = load_types;
    options.merge_xdr = merge_xdr;
    std::unique_ptr<dbus::Service> service;
    try {
        service = std::make_unique<dbus::Service>(raw_bus, raw_event, options);
    } catch (const dbus::AlreadyServed& e) {
        log::error(e.what());
        return 2;
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }

    if (raw_bus != nullptr) {
        r = sd_bus_request_name(raw_bus, bus_name, 0);
        if (r < 0) {
            log::error(std::string(bus_name) + " is already served: " + std::strerror(-r));
            return 2;
        }
        log::info(std::string("serving ") + bus_name + ", default session " + service->default_session());
    } else if (service->peer_address().empty()) {
        log::error("neither a session bus nor a peer socket: no client could reach the broker");
        return 1;
    } else {
        log::info("serving " + service->peer_address() + ", default session " + service->default_session());
    }

    dbus::Service* s = service.get();
    r = 0;
    for (int sig : {SIGUSR2, SIGHUP}) r = r < 0 ? r : sd_event_add_signal(raw_event, nullptr, sig, on_reload_signal, s);
    if (r >= 0) r = sd_event_add_signal(raw_event, nullptr, SIGCHLD, on_child_signal, s);
    for (int sig : {SIGTERM, SIGINT}) r = r < 0 ? r : sd_event_add_signal(raw_event, nullptr, sig, on_stop_signal, s);
    if (r < 0) {
        log::error(std::string("cannot watch signals: ") + std::strerror(-r));
        return 1;
    }
    type_files.service = s;
    if (type_files.watch.fd() >= 0) {
        sd_event_source* source = nullptr;
        if (sd_event_add_io(raw_event, &source, type_files.watch.fd(), EPOLLIN, on_type_files, &type_files) >= 0) {
            sd_event_source_set_floating(source, 1);
            sd_event_source_unref(source);
        }
    }

    // Whoever started the broker (libtt, a Type=notify unit) learns that clients may come now.
    sd_notify(1, "READY=1");
    r = sd_event_loop(raw_event);
    service->remove_empty_queue_store();
    service.reset();
    if (r < 0) {
        log::error(std::string("event loop: ") + std::strerror(-r));
        return 1;
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    static const option long_options[] = {
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    ttbus::cli::start("ttbusd", argv, 2, ttbus::cli::Locale::messages);
    for (int c; (c = ttbus::cli::next_option(argc, argv, "hV", long_options)) != -1;) {
        if (c == 'h') {
            return ttbus::cli::print_help(
                _("Usage: ttbusd [--help] [--version]\n"
                  "The ToolTalk message broker on the session bus: serves org.ttbus.Broker1 until\n"
                  "SIGTERM. Normally started by systemd (ttbusd.service) or by D-Bus activation.\n"
                  "Types are read from the ToolTalk type database (TTPATH, ~/.tt/types.xdr, ...)\n"
                  "and $XDG_DATA_HOME/ttbus/types; SIGUSR2 or 'ttbusctl reload' reads them again.\n"));
        }
        return ttbus::cli::print_version();
    }
    if (optind < argc) ttbus::cli::usage_error(ttbus::cli::format(_("unexpected argument '%s'"), argv[optind]));
    return serve();
}
