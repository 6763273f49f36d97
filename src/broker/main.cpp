// ttbusd: the ToolTalk broker on the user's session bus.
//
// One thread, one poll loop over the bus, a signalfd (SIGUSR2 reloads types, SIGCHLD reaps
// started handlers, SIGTERM/SIGINT stop) and an inotify descriptor on the type directories.
#include "dbus/service.h"

#include "types/database.h"
#include "types/xdr_types.h"

#include <sdbus-c++/sdbus-c++.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <poll.h>
#include <set>
#include <string>
#include <sys/inotify.h>
#include <sys/signalfd.h>
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

    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGUSR2, SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);
    int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    std::unique_ptr<sdbus::IConnection> bus;
    try {
        bus = sdbus::createSessionBusConnection();
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "ttbusd: cannot connect to the session bus: %s\n", e.what());
        return 1;
    }

    // A user manager on the bus means ptypes start as systemd units; asked once, before serving.
    bool systemd = false;
    try {
        auto driver = sdbus::createProxy(*bus, "org.freedesktop.DBus", "/org/freedesktop/DBus");
        driver->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus")
            .withArguments(std::string("org.freedesktop.systemd1")).storeResultsTo(systemd);
    } catch (const sdbus::Error&) {
        systemd = false;
    }

    dbus::ServiceOptions options;
    options.systemd = systemd;
    options.queue_store = store::default_queue_store_path();
    options.session_prefix = session_prefix();
    options.broker_uid = static_cast<std::uint32_t>(getuid());
    options.version = TTBUS_VERSION;
    options.load_types = load_types;
    options.merge_xdr = merge_xdr;
    dbus::Service service(*bus, options);

    try {
        bus->requestName(bus_name);
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "ttbusd: %s is already served: %s\n", bus_name, e.what());
        return 2;
    }
    std::fprintf(stderr, "ttbusd: serving %s, default session %s\n", bus_name, service.default_session().c_str());

    int inotify = watch_type_files();
    for (;;) {
        while (bus->processPendingRequest()) {
        }
        auto pd = bus->getEventLoopPollData();
        int timeout = -1;
        if (pd.timeout_usec != UINT64_MAX) {
            timespec now{};
            clock_gettime(CLOCK_MONOTONIC, &now);
            std::uint64_t now_usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000u + now.tv_nsec / 1000;
            timeout = pd.timeout_usec <= now_usec ? 0 : static_cast<int>(std::min<std::uint64_t>((pd.timeout_usec - now_usec + 999) / 1000, INT_MAX));
        }
        pollfd fds[3] = {{pd.fd, pd.events, 0}, {sigfd, POLLIN, 0}, {inotify, POLLIN, 0}};
        if (poll(fds, inotify >= 0 ? 3 : 2, timeout) < 0 && errno != EINTR) {
            std::perror("ttbusd: poll");
            return 1;
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo si{};
            while (read(sigfd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGUSR2 || si.ssi_signo == SIGHUP) {
                    auto [p, o] = service.reload_types();
                    std::fprintf(stderr, "ttbusd: types reloaded: %u ptypes, %u otypes\n", p, o);
                } else if (si.ssi_signo == SIGCHLD) {
                    service.reap_children();
                } else {
                    std::fprintf(stderr, "ttbusd: exiting on signal %u\n", si.ssi_signo);
                    return 0;
                }
            }
        }
        if (inotify >= 0 && (fds[2].revents & POLLIN) && type_file_changed(inotify)) {
            auto [p, o] = service.reload_types();
            std::fprintf(stderr, "ttbusd: type files changed; %u ptypes, %u otypes\n", p, o);
        }
    }
}
