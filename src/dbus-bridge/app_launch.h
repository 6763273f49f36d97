// Opening a file with a desktop application, the way desktops do it: a D-Bus-activatable
// application gets org.freedesktop.Application.Open (the bus starts it when needed); any other is
// launched by GIO (GAppInfo: .desktop files, not D-Bus) and, when a systemd user manager is on the bus, moved into a transient scope
// named by the desktop convention app-ttbus-<escaped application id>-<pid>.scope in app.slice, so
// it is accounted, listed and stopped like every other application of the session.
#pragma once

#include "dbus_status.h"

#include <gio/gio.h>
#include <systemd/sd-bus.h>

#include <functional>
#include <optional>
#include <string>

namespace ttbus::bridge {

class AppLauncher {
public:
    // nullopt: the application has the file; otherwise why it could not be opened.
    using Done = std::function<void(std::optional<Failure>)>;

    // `bus`: the session bus connection for org.freedesktop.Application and systemd (the
    // broker's, so the bridge has one). Asks once whether a systemd user manager is on it.
    explicit AppLauncher(sd_bus* bus);

    void open(GAppInfo* app, const std::string& uri, Done done);

    // systemd's unit name escaping of an application id ('-' and anything but [A-Za-z0-9:_.] as \xNN).
    static std::string escape_unit_name(const std::string& id);

private:
    void open_by_dbus(const std::string& id, const std::string& uri, Done done);
    void launch(GAppInfo* app, const std::string& id, const std::string& uri, const Done& done);
    void move_to_scope(const std::string& id, GPid pid);

    sd_bus* bus_;
    bool user_manager_ = false;
};

}  // namespace ttbus::bridge
