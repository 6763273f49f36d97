// Starting ptype instances as systemd user units, by systemd's desktop naming convention:
// a start string runs in a transient `app-ttbus-<ptype>.service`, or `app-ttbus-<ptype>@<token>.service`
// while that name is in use (Type=exec, app.slice,
// exec'd from its words or through /bin/sh -c as start_command.h says, the message's
// environment); a ptype that names a unit has that unit started. Jobs and units are followed
// through the manager's signals, all asynchronously: a job that fails, or a unit that stops, ends
// the launch. The broker hears of its own units only (a match per launch, added before the unit is
// asked for), not of every unit and slice of the user's manager: a transient unit's end is its
// UnitRemoved (it is collected once inactive or failed), one signal, where its state changes would
// be several, all while its handler starts; a named unit, which may stay loaded, is followed by its
// ActiveState.
#pragma once

#include "launcher.h"

#include <systemd/sd-bus.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ttbus::launch {

// systemd's unit-name escaping (systemd-escape): `/` becomes `-`, anything outside [A-Za-z0-9:_.]
// (and a leading `.`) becomes \xNN.
std::string escape_unit_name(const std::string& s);
// The D-Bus object path of a unit: anything outside [A-Za-z0-9] becomes _NN.
std::string unit_object_path(const std::string& unit);

class SystemdLauncher final : public Launcher {
public:
    // `bus` is the broker's connection to the user bus; it must outlive the launcher.
    SystemdLauncher(sd_bus* bus, Ended ended);
    ~SystemdLauncher() override;
    void start(const core::StartPtype& start) override;
    std::vector<LaunchInfo> launches() const override;
    const char* kind() const override { return "systemd"; }

private:
    struct SlotUnref {
        void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
    };
    struct Unit {
        LaunchInfo info;
        std::string path;  // its D-Bus object path, where its PropertiesChanged come from
        // Its UnitRemoved (a transient unit) or PropertiesChanged (a named one), for as long as the
        // launch lasts.
        std::unique_ptr<sd_bus_slot, SlotUnref> match;
        bool seen_active = false;  // a new unit reports "inactive" before "activating": ignore that one
        bool transient = false;
        bool ended = false;  // its launch ended; kept while systemd may still hold its name (see end)
    };
    // A StartUnit or StartTransientUnit call in flight: its reply only matters when it is an error.
    struct Call {
        SystemdLauncher* launcher = nullptr;
        std::string unit;
        sd_bus_slot* slot = nullptr;
        // A ptype's sole unit: the start, to be asked again as an instance if the name is taken.
        std::unique_ptr<core::StartPtype> sole;
        ~Call() { sd_bus_slot_unref(slot); }
    };
    // Whether systemd may still hold a unit whose launch ends: not when it removed the unit or
    // refused it, maybe when its job failed or it went inactive.
    enum class Held { no, maybe };
    static std::string sole_name(const core::StartPtype& s);
    static std::string instance_name(const core::StartPtype& s);
    // `sole`: `unit` is the ptype's sole name (asked again as an instance if systemd has it taken).
    void start_as(const core::StartPtype& s, const std::string& unit, bool sole);
    static int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error* error);
    static int on_properties_changed(sd_bus_message* m, void* userdata, sd_bus_error* error);
    static int on_unit_removed(sd_bus_message* m, void* userdata, sd_bus_error* error);
    static int on_job(sd_bus_message* m, void* userdata, sd_bus_error* error);
    void call(sd_bus_message* method, const std::string& unit, const core::StartPtype* sole);
    void job_removed(const std::string& unit, const std::string& result);
    void active_state(const std::string& path, const std::string& state);
    void end(const std::string& unit, const std::string& reason, Held held);

    sd_bus* bus_;
    Ended ended_;
    std::vector<sd_bus_slot*> matches_;
    std::map<Call*, std::unique_ptr<Call>> calls_;
    std::map<std::string, Unit> units_;  // by unit name
};

}  // namespace ttbus::launch
