#include "systemd_launcher.h"

#include <cstdio>
#include <cstdlib>

namespace ttbus::launch {

namespace {

constexpr const char* systemd = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_iface = "org.freedesktop.systemd1.Manager";

using Property = sdbus::Struct<std::string, sdbus::Variant>;
using ExecCommand = sdbus::Struct<std::string, std::vector<std::string>, bool>;
using AuxUnit = sdbus::Struct<std::string, std::vector<Property>>;

bool plain(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::string hex(unsigned char c) {
    static const char digits[] = "0123456789abcdef";
    return {digits[c >> 4], digits[c & 15]};
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

SystemdLauncher::SystemdLauncher(sdbus::IConnection& bus, Ended ended)
    : ended_(std::move(ended)), manager_(sdbus::createProxy(bus, systemd, manager_path)) {
    // Without Subscribe the manager may not send JobRemoved and PropertiesChanged to us.
    manager_->callMethodAsync("Subscribe").onInterface(manager_iface).uponReplyInvoke([](const sdbus::Error* e) {
        if (e != nullptr) std::fprintf(stderr, "ttbusd: systemd Subscribe failed: %s\n", e->what());
    });
    matches_.push_back(bus.addMatch(std::string("type='signal',sender='") + systemd + "',path='" + manager_path +
                                        "',interface='" + manager_iface + "',member='JobRemoved'",
                                    [this](sdbus::Message& m) {
                                        std::uint32_t id = 0;
                                        sdbus::ObjectPath job;
                                        std::string unit, result;
                                        m >> id >> job >> unit >> result;
                                        job_removed(unit, result);
                                    }));
    matches_.push_back(bus.addMatch(std::string("type='signal',sender='") + systemd +
                                        "',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                                        "arg0='org.freedesktop.systemd1.Unit'",
                                    [this](sdbus::Message& m) {
                                        std::string iface;
                                        std::map<std::string, sdbus::Variant> changed;
                                        m >> iface >> changed;
                                        properties_changed(m.getPath(), changed);
                                    }));
}

void SystemdLauncher::start(const core::StartPtype& s) {
    const bool transient = s.unit.empty();
    const std::string unit = transient ? "app-ttbus-" + escape_unit_name(s.ptype) + "@" +
                                             escape_unit_name(s.token) + ".service"
                                       : s.unit;
    units_[unit] = Unit{LaunchInfo{s.token, s.ptype, unit, "starting", 0}, false};
    // Only a refusal matters here: the job's outcome comes with JobRemoved, keyed by unit name.
    auto on_job = [this, unit](const sdbus::Error* error, sdbus::ObjectPath) {
        if (error != nullptr) end(unit, std::string("systemd refused the unit: ") + error->what());
    };
    if (!transient) {
        manager_->callMethodAsync("StartUnit").onInterface(manager_iface).withArguments(unit, std::string("replace"))
            .uponReplyInvoke(on_job);
        return;
    }
    std::vector<std::string> environment;
    for (const auto& [name, value] : s.environment) environment.push_back(name + "=" + value);
    if (const char* display = std::getenv("DISPLAY")) environment.push_back(std::string("DISPLAY=") + display);
    std::vector<Property> props{
        {"Description", sdbus::Variant("ToolTalk ptype " + s.ptype)},
        {"Type", sdbus::Variant(std::string("exec"))},
        {"Slice", sdbus::Variant(std::string("app.slice"))},
        {"CollectMode", sdbus::Variant(std::string("inactive-or-failed"))},
        {"Environment", sdbus::Variant(environment)},
        {"ExecStart", sdbus::Variant(std::vector<ExecCommand>{
                          {"/bin/sh", std::vector<std::string>{"/bin/sh", "-c", s.command}, false}})},
    };
    manager_->callMethodAsync("StartTransientUnit").onInterface(manager_iface)
        .withArguments(unit, std::string("fail"), props, std::vector<AuxUnit>{})
        .uponReplyInvoke(on_job);
}

std::vector<LaunchInfo> SystemdLauncher::launches() const {
    std::vector<LaunchInfo> out;
    for (const auto& [name, u] : units_) out.push_back(u.info);
    return out;
}

// JobRemoved can arrive before StartTransientUnit's reply, so the unit name is the key.
void SystemdLauncher::job_removed(const std::string& unit, const std::string& result) {
    auto it = units_.find(unit);
    if (it == units_.end()) return;
    if (result != "done") return end(unit, "the start job of " + unit + " ended: " + result);
    it->second.seen_active = true;
    it->second.info.state = "active";
}

void SystemdLauncher::properties_changed(const std::string& path, const std::map<std::string, sdbus::Variant>& changed) {
    auto state = changed.find("ActiveState");
    if (state == changed.end() || !state->second.containsValueOfType<std::string>()) return;
    for (auto& [unit, u] : units_) {
        if (unit_object_path(unit) != path) continue;
        const std::string s = state->second.get<std::string>();
        u.info.state = s;
        if (s == "activating" || s == "active" || s == "reloading") u.seen_active = true;
        if ((s == "inactive" || s == "failed") && u.seen_active) end(unit, unit + " is " + s);
        return;
    }
}

void SystemdLauncher::end(const std::string& unit, const std::string& reason) {
    auto it = units_.find(unit);
    if (it == units_.end()) return;
    std::string token = it->second.info.token;
    units_.erase(it);
    ended_(token, reason);
}

}  // namespace ttbus::launch
