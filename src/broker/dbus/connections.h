// What the broker knows of each client connection: its credentials, the procids and sessions it
// owns, what it has in flight (for the limits), its pending one-call requests and its monitor filter.
#pragma once

#include "wire.h"

#include <sdbus-c++/MethodResult.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ttbus::dbus {

// Per-connection limits (docs/dbus-api.md).
inline constexpr std::size_t max_procids = 64;
inline constexpr std::size_t max_patterns = 4096;
inline constexpr std::size_t max_outstanding = 4096;
inline constexpr std::size_t max_queued = 1024;

struct MonitorFilter {
    std::string session;
    std::string op;
    std::string procid;
};

struct Connection {
    std::string name;  // unique bus name
    bool credentials_known = false;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::vector<std::function<void(const Connection*, const sdbus::Error*)>> awaiting_credentials;

    std::vector<std::string> procids;
    std::vector<std::string> sessions;  // created by it; they end with it
    std::size_t patterns = 0;
    std::unordered_set<std::string> outstanding;  // requests and offers sent and not finished
    std::unordered_set<std::string> queued;       // message ids queued in the broker for it

    std::string call_procid;  // the procid Broker1.Call/Notify send from
    std::map<std::string, sdbus::Result<Dict>> calls;  // pending Call replies by message id

    std::optional<MonitorFilter> monitor;
};

class Connections {
public:
    Connection& get(const std::string& name);
    Connection* find(const std::string& name);
    std::unique_ptr<Connection> remove(const std::string& name);

    void own(const std::string& procid, Connection& c);
    void disown(const std::string& procid);
    Connection* owner(const std::string& procid);
    const Connection* owner(const std::string& procid) const;

    template <typename F>
    void for_each(F&& f) {
        for (auto& [name, c] : by_name_) f(*c);
    }

private:
    std::unordered_map<std::string, std::unique_ptr<Connection>> by_name_;
    std::unordered_map<std::string, Connection*> by_procid_;
};

}  // namespace ttbus::dbus
