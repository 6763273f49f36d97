#include "ttbusctl_monitor.h"

#include "broker_proxies.h"
#include "bus_loop.h"
#include "dbus_values.h"
#include "readable.h"

#include <iostream>

namespace ttbus::tools {

using namespace client;

namespace {

std::string header(const std::string& kind, const nlohmann::json& details) {
    std::string line = kind;
    if (details.contains("op") && details["op"].is_string()) line += " " + details["op"].get<std::string>();
    if (details.contains("id") && details["id"].is_string()) line += " [" + details["id"].get<std::string>() + "]";
    return line;
}

}  // namespace

int monitor(sdbus::IConnection& connection, const MonitorOptions& options) {
    // Signals are blocked before anything else, so an interrupt always ends the loop cleanly.
    BusLoop loop;
    std::uint64_t seen = 0;
    auto done = [&] { return options.count && seen >= *options.count; };
    MonitorProxy proxy(connection, [&](const std::string& kind, const Dict& details) {
        if (done()) return;  // later events of the batch that completed the count
        ++seen;
        nlohmann::json d = to_json(details);
        if (options.json) {
            std::cout << nlohmann::json{{"kind", kind}, {"details", d}}.dump() << std::endl;
        } else {
            std::cout << header(kind, d) << '\n' << readable_block(d, "  ") << std::endl;
        }
    });
    Dict filter;
    if (options.session) filter["session"] = *options.session;
    if (options.op) filter["op"] = *options.op;
    if (options.procid) filter["procid"] = *options.procid;
    proxy.Subscribe(filter);
    // Tells a person, and a test, that events sent from now on will be shown.
    std::cerr << "ttbusctl: monitoring; interrupt to stop" << std::endl;
    loop.run(connection, done);
    return 0;
}

}  // namespace ttbus::tools
