#include "session_bus.h"

#include "command_line.h"

#include <cstdlib>

namespace ttbus::tools {

std::unique_ptr<sdbus::IConnection> open_session_bus() {
    try {
        return sdbus::createSessionBusConnection();
    } catch (const sdbus::Error& e) {
        using cli::format;
        // sd-bus finds the bus through DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus; with
        // neither set it has nowhere to look (ENOMEDIUM).
        const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
        if ((address == nullptr || *address == '\0') && std::getenv("XDG_RUNTIME_DIR") == nullptr) {
            cli::error(_("there is no session bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set.\n"
                         "Run this inside a desktop or 'systemd --user' session, or start a bus for one command\n"
                         "with: dbus-run-session -- COMMAND"));
        } else {
            cli::error(format(_("cannot connect to the session bus (%s).\n"
                                "Check DBUS_SESSION_BUS_ADDRESS, or that the user's bus runs "
                                "('systemctl --user status dbus.socket')."),
                              e.getMessage()));
        }
        std::exit(1);
    }
}

}  // namespace ttbus::tools
