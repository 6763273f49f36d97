// What the bridge does beyond x-dbus bindings: which media requests go to desktop applications
// and which notices become D-Bus signals. The shipped bridge.json is the default; a user's
// $XDG_CONFIG_HOME/ttbus/bridge.json replaces it member by member ("media", "notices").
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ttbus::bridge {

struct BridgeConfig {
    // Media requests (facts §2.5) that carry a file and find no ToolTalk handler are opened with
    // the desktop's default application, for these ops and media types (the vtype of arg 0;
    // "*" is any type).
    std::vector<std::string> media_ops;
    std::vector<std::string> media_types;
    // Notices with these ops are re-emitted as org.ttbus.Bridge1.Notice signals.
    std::vector<std::string> notice_ops;

    bool media_type_enabled(const std::string& vtype) const;
};

struct ConfigResult {
    std::optional<BridgeConfig> config;
    std::string error;  // "<file>: at <JSON pointer>: <what>"
};

// Reads `shipped` (missing: nothing is enabled), then the user's file (missing: fine).
ConfigResult load_config(const std::string& shipped, const std::string& user);

// $XDG_CONFIG_HOME/ttbus/bridge.json, ~/.config/ttbus/bridge.json without it.
std::string user_config_path();

}  // namespace ttbus::bridge
