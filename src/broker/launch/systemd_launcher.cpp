#include "systemd_launcher.h"

#include "start_command.h"

#include "log.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ttbus::launch {

namespace {

constexpr const char* systemd = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_iface = "org.freedesktop.systemd1.Manager";

bool plain(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::string hex(unsigned char c) {
    static const char digits[] = "0123456789abcdef";
    return {digits[c >> 4], digits[c & 15]};
}

// Logs when a signal match could not be installed.
int match_installed(sd_bus_message* m, void*, sd_bus_error*) {
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
        log::warning(std::string("cannot follow systemd's signals: ") + (e->message ? e->message : e->name));
    }
    return 0;
}

// Builds a method call; the message's appends all succeed or the whole call is refused.
struct Appender {
    sd_bus_message* m;
    int r = 0;
    Appender& operator()(int result) {
        if (r >= 0 && result < 0) r = result;
        return *this;
    }
};

void append_strings(Appender& a, const std::vector<std::string>& strings) {
    a(sd_bus_message_open_container(a.m, 'a', "s"));
    for (const auto& v : strings) a(sd_bus_message_append_basic(a.m, 's', v.c_str()));
    a(sd_bus_message_close_container(a.m));
}

}  // namespace

std::string escape_unit_name(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '/') {
            out += '-';
        } else if (plain(c) || c == ':' || c == '_' || (c == '.' && i > 0)) {
            out += c;
        } else {
            out += "\\x" + hex(static_cast<unsigned char>(c));
        }
    }
    return out;
}

std::string unit_object_path(const std::string& unit) {
    std::string out = std::string(manager_path) + "/unit/";
    for (char c : unit) out += plain(c) ? std::string(1, c) : "_" + hex(static_cast<unsigned char>(c));
    return out;
}

SystemdLauncher::SystemdLauncher(sd_bus* bus, Ended ended) : bus_(bus), ended_(std::move(ended)) {
    // Without Subscribe the manager may not send JobRemoved and PropertiesChanged to us.
    int r = sd_bus_call_method_async(bus_, nullptr, systemd, manager_path, manager_iface, "Subscribe",
                                     [](sd_bus_message* m, void*, sd_bus_error*) {
                                         if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
                                             log::warning(std::string("systemd Subscribe failed: ") +
                                                 (e->message ? e->message : e->name));
                                         }
                                         return 0;
                                     },
                                     nullptr, "");
    if (r < 0) log::warning(std::string("systemd Subscribe failed: ") + std::strerror(-r));
    sd_bus_slot* slot = nullptr;
    r = sd_bus_match_signal_async(bus_, &slot, systemd, manager_path, manager_iface, "JobRemoved", on_job_removed,
                                  match_installed, this);
    if (r >= 0) matches_.push_back(slot);
    else log::warning(std::string("cannot follow systemd's jobs: ") + std::strerror(-r));
}

SystemdLauncher::~SystemdLauncher() {
    for (sd_bus_slot* s : matches_) sd_bus_slot_unref(s);
}

int SystemdLauncher::on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    std::uint32_t id = 0;
    const char* job = nullptr;
    const char* unit = nullptr;
    const char* result = nullptr;
    if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0) return 0;
    static_cast<SystemdLauncher*>(userdata)->job_removed(unit, result);
    return 0;
}

int SystemdLauncher::on_properties_changed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* iface = nullptr;
    if (sd_bus_message_read(m, "s", &iface) < 0) return 0;
    if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return 0;
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* name = nullptr;
        if (sd_bus_message_read(m, "s", &name) < 0) return 0;
        if (std::strcmp(name, "ActiveState") == 0) {
            const char* state = nullptr;
            if (sd_bus_message_read(m, "v", "s", &state) < 0) return 0;
            const char* path = sd_bus_message_get_path(m);
            if (path != nullptr) static_cast<SystemdLauncher*>(userdata)->active_state(path, state);
            return 0;
        }
        if (sd_bus_message_skip(m, "v") < 0 || sd_bus_message_exit_container(m) < 0) return 0;
    }
    return 0;
}

int SystemdLauncher::on_unit_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* unit = nullptr;
    if (sd_bus_message_read(m, "s", &unit) < 0) return 0;
    static_cast<SystemdLauncher*>(userdata)->end(unit, std::string(unit) + " stopped", Held::no);
    return 0;
}

int SystemdLauncher::on_job(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* call = static_cast<Call*>(userdata);
    SystemdLauncher* self = call->launcher;
    auto it = self->calls_.find(call);
    if (it == self->calls_.end()) return 0;
    std::unique_ptr<Call> owned = std::move(it->second);
    self->calls_.erase(it);
    // Only a refusal matters here: the job's outcome comes with JobRemoved, keyed by unit name.
    const sd_bus_error* e = sd_bus_message_get_error(m);
    if (e == nullptr) return 0;
    if (owned->sole && sd_bus_error_has_name(e, "org.freedesktop.systemd1.UnitExists")) {
        // Another's unit holds the sole instance's name: this start becomes an instance of its own.
        self->units_.erase(owned->unit);
        self->start_as(*owned->sole, instance_name(*owned->sole), false);
        return 0;
    }
    self->end(owned->unit, std::string("systemd refused the unit: ") + (e->message ? e->message : e->name), Held::no);
    return 0;
}

void SystemdLauncher::call(sd_bus_message* method, const std::string& unit, const core::StartPtype* sole) {
    auto call = std::make_unique<Call>();
    call->launcher = this;
    call->unit = unit;
    if (sole != nullptr) call->sole = std::make_unique<core::StartPtype>(*sole);
    int r = sd_bus_call_async(bus_, &call->slot, method, on_job, call.get(), 0);
    sd_bus_message_unref(method);
    if (r < 0) {
        end(unit, std::string("cannot ask systemd: ") + std::strerror(-r), Held::no);
        return;
    }
    Call* key = call.get();
    calls_.emplace(key, std::move(call));
}

std::string SystemdLauncher::sole_name(const core::StartPtype& s) {
    return "app-ttbus-" + escape_unit_name(s.ptype) + ".service";
}

std::string SystemdLauncher::instance_name(const core::StartPtype& s) {
    return "app-ttbus-" + escape_unit_name(s.ptype) + "@" + escape_unit_name(s.token) + ".service";
}

// The first instance of a ptype runs as its sole unit, the convention's name for an application's
// one instance (systemd also spends ~0.2 ms less on it: an instance name makes it look for the
// template's drop-ins too); while a unit of the broker holds that name, further ones are instances.
void SystemdLauncher::start(const core::StartPtype& s) {
    if (!s.unit.empty()) return start_as(s, s.unit, false);
    const std::string sole = sole_name(s);
    if (units_.count(sole) == 0) return start_as(s, sole, true);
    start_as(s, instance_name(s), false);
}

void SystemdLauncher::start_as(const core::StartPtype& s, const std::string& unit, bool sole) {
    const bool transient = s.unit.empty();
    Unit& u = units_[unit];
    u = Unit{LaunchInfo{s.token, s.ptype, unit, "starting", 0}, unit_object_path(unit), nullptr, false, transient, false};
    // Asked for before the start itself, on the same connection: the bus has the match in place
    // before systemd hears of the unit, so none of its changes is missed.
    const std::string rule =
        transient ? std::string("type='signal',sender='") + systemd + "',path='" + manager_path + "',interface='" +
                        manager_iface + "',member='UnitRemoved',arg1path='" + u.path + "'"
                  : std::string("type='signal',sender='") + systemd + "',path='" + u.path +
                        "',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                        "arg0='org.freedesktop.systemd1.Unit'";
    sd_bus_slot* slot = nullptr;
    int r = sd_bus_add_match_async(bus_, &slot, rule.c_str(), transient ? on_unit_removed : on_properties_changed,
                                   match_installed, this);
    if (r < 0) return end(unit, std::string("cannot follow the unit: ") + std::strerror(-r), Held::no);
    u.match.reset(slot);
    sd_bus_message* m = nullptr;
    r = sd_bus_message_new_method_call(bus_, &m, systemd, manager_path, manager_iface,
                                           transient ? "StartTransientUnit" : "StartUnit");
    if (r < 0) return end(unit, std::string("cannot ask systemd: ") + std::strerror(-r), Held::no);
    Appender a{m};
    if (!transient) {
        a(sd_bus_message_append(m, "ss", unit.c_str(), "replace"));
    } else {
        std::vector<std::string> environment;
        for (const auto& [name, value] : s.environment) environment.push_back(name + "=" + value);
        if (const char* display = std::getenv("DISPLAY")) environment.push_back(std::string("DISPLAY=") + display);
        const std::string description = "ToolTalk ptype " + s.ptype;
        a(sd_bus_message_append(m, "ss", unit.c_str(), "fail"));
        a(sd_bus_message_open_container(m, 'a', "(sv)"));
        a(sd_bus_message_append(m, "(sv)", "Description", "s", description.c_str()));
        a(sd_bus_message_append(m, "(sv)", "Type", "s", "exec"));
        a(sd_bus_message_append(m, "(sv)", "Slice", "s", "app.slice"));
        a(sd_bus_message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed"));
        a(sd_bus_message_open_container(m, 'r', "sv"));
        a(sd_bus_message_append(m, "s", "Environment"));
        a(sd_bus_message_open_container(m, 'v', "as"));
        append_strings(a, environment);
        a(sd_bus_message_close_container(m));
        a(sd_bus_message_close_container(m));
        const std::vector<std::string> argv = start_argv(s.command);
        a(sd_bus_message_open_container(m, 'r', "sv"));
        a(sd_bus_message_append(m, "s", "ExecStart"));
        a(sd_bus_message_open_container(m, 'v', "a(sasb)"));
        a(sd_bus_message_open_container(m, 'a', "(sasb)"));
        a(sd_bus_message_open_container(m, 'r', "sasb"));
        a(sd_bus_message_append(m, "s", argv.front().c_str()));
        append_strings(a, argv);
        a(sd_bus_message_append(m, "b", 0));
        for (int i = 0; i < 4; ++i) a(sd_bus_message_close_container(m));
        a(sd_bus_message_close_container(m));
        a(sd_bus_message_append(m, "a(sa(sv))", 0));
    }
    if (a.r < 0) {
        sd_bus_message_unref(m);
        return end(unit, std::string("cannot ask systemd: ") + std::strerror(-a.r), Held::no);
    }
    call(m, unit, sole ? &s : nullptr);
}

std::vector<LaunchInfo> SystemdLauncher::launches() const {
    std::vector<LaunchInfo> out;
    for (const auto& [name, u] : units_) {
        if (!u.ended) out.push_back(u.info);
    }
    return out;
}

// JobRemoved can arrive before StartTransientUnit's reply, so the unit name is the key.
void SystemdLauncher::job_removed(const std::string& unit, const std::string& result) {
    auto it = units_.find(unit);
    if (it == units_.end()) return;
    if (result != "done") return end(unit, "the start job of " + unit + " ended: " + result, Held::maybe);
    it->second.seen_active = true;
    it->second.info.state = "active";
}

void SystemdLauncher::active_state(const std::string& path, const std::string& s) {
    for (auto& [unit, u] : units_) {
        if (u.path != path) continue;
        u.info.state = s;
        if (s == "activating" || s == "active" || s == "reloading") u.seen_active = true;
        if ((s == "inactive" || s == "failed") && u.seen_active) end(unit, unit + " is " + s, Held::maybe);
        return;
    }
}

void SystemdLauncher::end(const std::string& unit, const std::string& reason, Held held) {
    auto it = units_.find(unit);
    if (it == units_.end()) return;
    if (it->second.ended) {  // its launch ended before; systemd has now let go of the name too
        if (held == Held::no) units_.erase(it);
        return;
    }
    const LaunchInfo launch = it->second.info;
    // A transient unit that systemd may still hold keeps its name taken until its UnitRemoved
    // (its match stays), so that a next start does not ask for a name that is still in use.
    if (held == Held::maybe && it->second.transient) it->second.ended = true;
    else units_.erase(it);
    ended_(launch, reason);
}

}  // namespace ttbus::launch
