// ttbusd: the ToolTalk broker on the user's session bus, and on peer-to-peer connections to its
// socket in $XDG_RUNTIME_DIR/ttbus.
//
// One thread, one sd-event loop over the bus, the peer socket and its connections, the signals
// (SIGUSR2 and SIGHUP reload types, SIGCHLD reaps started handlers, SIGTERM/SIGINT stop) and an
// inotify descriptor on the type directories.
#include "dbus/service.h"

#include "types/database.h"
#include "types/xdr_types.h"

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace {

using namespace ttbus;

constexpr const char* bus_name = "org.ttbus.Broker1";

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

// The directories whose changes mean "reload": every directory of the search path, and the
// directory of every database file on it.
int watch_type_files() {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return -1;
    std::set<std::string> dirs;
    for (const auto& entry : types::search_path(types::Environment::from_process())) {
        std::filesystem::path p(entry.path);
        dirs.insert(entry.kind == types::EntryKind::Directory ? p.string() : p.parent_path().string());
    }
    for (const auto& d : dirs) {
        inotify_add_watch(fd, d.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE);
    }
    return fd;
}

// Drains the inotify queue; true if a type file (*.types, *.json, *.xdr) was among the changes,
// so that other files in a watched directory do not cause reloads.
bool type_file_changed(int fd) {
    alignas(inotify_event) char buf[4096];
    bool relevant = false;
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
        for (char* p = buf; p < buf + n;) {
            auto* e = reinterpret_cast<inotify_event*>(p);
            std::string file = e->len ? e->name : "";
            for (const char* ext : {".types", ".json", ".xdr"}) {
                const std::size_t len = std::strlen(ext);
                if (file.size() >= len && file.compare(file.size() - len, len, ext) == 0) relevant = true;
            }
            p += sizeof(inotify_event) + e->len;
        }
    }
    return relevant;
}

std::string session_prefix() {
    // Session and procid ids must not repeat across broker runs of one boot.
    return "ttbus." + std::to_string(getpid()) + "." + std::to_string(std::time(nullptr)) + ".";
}

int on_type_files(sd_event_source*, int fd, std::uint32_t, void* userdata) {
    if (type_file_changed(fd)) {
        auto [p, o] = static_cast<dbus::Service*>(userdata)->reload_types();
        std::fprintf(stderr, "ttbusd: type files changed; %u ptypes, %u otypes\n", p, o);
    }
    return 0;
}

int on_reload_signal(sd_event_source*, const signalfd_siginfo*, void* userdata) {
    auto [p, o] = static_cast<dbus::Service*>(userdata)->reload_types();
    std::fprintf(stderr, "ttbusd: types reloaded: %u ptypes, %u otypes\n", p, o);
    return 0;
}

int on_child_signal(sd_event_source*, const signalfd_siginfo*, void* userdata) {
    static_cast<dbus::Service*>(userdata)->reap_children();
    return 0;
}

int on_stop_signal(sd_event_source* source, const signalfd_siginfo* si, void*) {
    std::fprintf(stderr, "ttbusd: exiting on signal %u\n", si->ssi_signo);
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

    sd_event* raw_event = nullptr;
    int r = sd_event_new(&raw_event);
    if (r < 0) {
        std::fprintf(stderr, "ttbusd: sd_event_new: %s\n", std::strerror(-r));
        return 1;
    }
    std::unique_ptr<sd_event, EventUnref> event(raw_event);

    sd_bus* raw_bus = nullptr;
    r = sd_bus_open_user(&raw_bus);
    if (r >= 0) r = sd_bus_set_exit_on_disconnect(raw_bus, 1);
    if (r >= 0) r = sd_bus_attach_event(raw_bus, raw_event, SD_EVENT_PRIORITY_NORMAL);
    std::unique_ptr<sd_bus, BusFlushClose> bus(raw_bus);
    if (r < 0) {
        std::fprintf(stderr, "ttbusd: cannot connect to the session bus: %s\n", std::strerror(-r));
        return 1;
    }

    // A user manager on the bus means ptypes start as systemd units; asked once, before serving.
    int systemd = 0;
    {
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
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ttbusd: %s\n", e.what());
        return 1;
    }

    r = sd_bus_request_name(raw_bus, bus_name, 0);
    if (r < 0) {
        std::fprintf(stderr, "ttbusd: %s is already served: %s\n", bus_name, std::strerror(-r));
        return 2;
    }
    std::fprintf(stderr, "ttbusd: serving %s, default session %s\n", bus_name, service->default_session().c_str());

    dbus::Service* s = service.get();
    for (int sig : {SIGUSR2, SIGHUP}) r = r < 0 ? r : sd_event_add_signal(raw_event, nullptr, sig, on_reload_signal, s);
    if (r >= 0) r = sd_event_add_signal(raw_event, nullptr, SIGCHLD, on_child_signal, s);
    for (int sig : {SIGTERM, SIGINT}) r = r < 0 ? r : sd_event_add_signal(raw_event, nullptr, sig, on_stop_signal, s);
    if (r < 0) {
        std::fprintf(stderr, "ttbusd: cannot watch signals: %s\n", std::strerror(-r));
        return 1;
    }
    int inotify = watch_type_files();
    if (inotify >= 0) {
        sd_event_source* source = nullptr;
        if (sd_event_add_io(raw_event, &source, inotify, EPOLLIN, on_type_files, s) >= 0) {
            sd_event_source_set_io_fd_own(source, 1);
            sd_event_source_set_floating(source, 1);
            sd_event_source_unref(source);
        } else {
            close(inotify);
        }
    }

    r = sd_event_loop(raw_event);
    service.reset();
    if (r < 0) {
        std::fprintf(stderr, "ttbusd: event loop: %s\n", std::strerror(-r));
        return 1;
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--version") {
            std::printf("ttbusd %s\n", TTBUS_VERSION);
            return 0;
        }
        std::fprintf(stderr, "usage: ttbusd [--version]\n");
        return 1;
    }
    return serve();
}
