// ttbusctl monitor: Monitor1 events, live, until interrupted or a count is reached.
#pragma once

#include <sdbus-c++/IConnection.h>

#include <cstdint>
#include <optional>
#include <string>

namespace ttbus::tools {

struct MonitorOptions {
    std::optional<std::string> session;
    std::optional<std::string> op;
    std::optional<std::string> procid;
    std::optional<std::uint64_t> count;  // stop after this many events
    bool json = false;                   // one JSON object per line
    bool oneline = false;                // one timestamped line of text per event
};

// Returns the exit status: 0 after the count or an interrupt. When ttbusd leaves the bus the
// monitor says so and waits; when it is back, it subscribes again. Throws sdbus::Error.
int monitor(sdbus::IConnection& connection, const MonitorOptions& options);

}  // namespace ttbus::tools
