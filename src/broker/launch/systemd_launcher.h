// Starting ptype instances as systemd user units, by systemd's desktop naming convention:
// a start string runs in a transient `app-ttbus-<ptype>@<token>.service` (Type=exec, app.slice,
// /bin/sh -c <start string>, the message's environment); a ptype that names a unit has that unit
// started. Jobs and units are followed through the manager's signals, all asynchronously: a job
// that fails, or a unit that stops, ends the launch.
#pragma once

#include "launcher.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>
#include <string>

namespace ttbus::launch {

// systemd's unit-name escaping (systemd-escape): `/` becomes `-`, anything outside [A-Za-z0-9:_.]
// (and a leading `.`) becomes \xNN.
std::string escape_unit_name(const std::string& s);
// The D-Bus object path of a unit: anything outside [A-Za-z0-9] becomes _NN.
std::string unit_object_path(const std::string& unit);

class SystemdLauncher final : public Launcher {
public:
    SystemdLauncher(sdbus::IConnection& bus, Ended ended);
    void start(const core::StartPtype& start) override;
    std::vector<LaunchInfo> launches() const override;
    const char* kind() const override { return "systemd"; }

private:
    struct Unit {
        LaunchInfo info;
        bool seen_active = false;  // a new unit reports "inactive" before "activating": ignore that one
    };
    void job_removed(const std::string& unit, const std::string& result);
    void properties_changed(const std::string& path, const std::map<std::string, sdbus::Variant>& changed);
    void end(const std::string& unit, const std::string& reason);

    Ended ended_;
    std::unique_ptr<sdbus::IProxy> manager_;
    std::vector<sdbus::Slot> matches_;
    std::map<std::string, Unit> units_;  // by unit name
};

}  // namespace ttbus::launch
