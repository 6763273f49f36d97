#include "ttbusctl_monitor.h"

#include "broker_proxies.h"
#include "bus_loop.h"
#include "command_line.h"
#include "dbus_values.h"
#include "readable.h"

#include "protocol/keys.h"

#include <ctime>
#include <iostream>

namespace ttbus::tools {

using namespace client;

namespace {

const std::string op_key(protocol::message_keys[protocol::message_key::op].name);
const std::string id_key(protocol::message_keys[protocol::message_key::id].name);

std::string header(const std::string& kind, const nlohmann::json& details) {
    std::string line = kind;
    if (details.contains(op_key) && details[op_key].is_string()) line += " " + details[op_key].get<std::string>();
    if (details.contains(id_key) && details[id_key].is_string()) line += " [" + details[id_key].get<std::string>() + "]";
    return line;
}

// The local wall-clock time, HH:MM:SS.mmm, for --oneline.
std::string timestamp() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    tm local{};
    localtime_r(&now.tv_sec, &local);
    char text[32];
    std::size_t n = std::strftime(text, sizeof text, "%H:%M:%S", &local);
    std::snprintf(text + n, sizeof text - n, ".%03ld", now.tv_nsec / 1000000);
    return text;
}

// Whoever owns the broker's name on the bus, as the bus reports its changes.
std::string owner_change_rule() {
    return std::string("type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                       "member='NameOwnerChanged',arg0='") +
           broker_bus_name + "'";
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
        } else if (options.oneline) {
            nlohmann::json rest = d;
            rest.erase(op_key);
            rest.erase(id_key);
            std::cout << timestamp() << ' ' << header(kind, d) << ' ' << readable_line(rest) << std::endl;
        } else {
            std::cout << header(kind, d) << '\n' << readable_block(d, "  ") << std::endl;
        }
    });
    Dict filter;
    auto filter_key = [](protocol::monitor_filter_key::Index k) {
        return std::string(protocol::monitor_filter_keys[k].name);
    };
    if (options.session) filter[filter_key(protocol::monitor_filter_key::session)] = *options.session;
    if (options.op) filter[filter_key(protocol::monitor_filter_key::op)] = *options.op;
    if (options.procid) filter[filter_key(protocol::monitor_filter_key::procid)] = *options.procid;
    // A new broker knows nothing of the old one's subscriptions: subscribe again when it comes.
    bool resubscribe = false;
    auto owner_watch = connection.addMatch(owner_change_rule(), [&](sdbus::Message& m) {
        std::string name, old_owner, new_owner;
        m >> name >> old_owner >> new_owner;
        if (new_owner.empty()) {
            cli::error(_("ttbusd left the bus; waiting for it to come back"));
        } else {
            resubscribe = true;
        }
    });
    proxy.Subscribe(filter);
    // Tells a person, and a test, that events sent from now on will be shown.
    cli::error(_("monitoring; interrupt to stop"));
    loop.run(connection, [&] {
        if (resubscribe) {
            resubscribe = false;
            proxy.Subscribe(filter);
            cli::error(_("ttbusd is back; monitoring again"));
        }
        return done();
    });
    return 0;
}

}  // namespace ttbus::tools
