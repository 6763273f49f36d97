// What the broker knows of each client connection: its credentials, the procids and sessions it
// owns, its pending one-call requests and its monitor filter. What it may make the broker keep is
// the engine's to count (core::Limits): the connection is the engine's client.
//
// A client is either a connection on the bus, named by its unique name, or a peer-to-peer
// connection to the broker's socket, named "peer:<n>" by the broker (never a valid unique name).
#pragma once

#include "handles.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ttbus::dbus {

struct MonitorFilter {
    std::string session;
    std::string op;
    std::string procid;
};

struct Connection;
// Called once the credentials of a connection are known (`error` null), or could not be had.
using CredentialsReady = std::function<void(Connection* connection, const sd_bus_error* error)>;

struct Connection {
    std::string name;       // unique bus name, or "peer:<n>"
    sd_bus* peer = nullptr;  // the peer connection; null for a client on the bus
    bool closing = false;    // the broker closes its peer connection: nothing more is sent to it
    std::uint8_t compact = 0;  // the compact version it asked for (Peer1.Compact); 0: the a{sv} signals
    bool credentials_known = false;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::vector<std::uint32_t> groups;  // supplementary groups (for the access to files' specs)
    std::vector<CredentialsReady> awaiting_credentials;

    std::vector<std::string> procids;
    std::vector<std::string> sessions;  // created by it; they end with it

    std::string call_procid;  // the procid Broker1.Call/Notify send from
    std::map<std::string, MessageRef> calls;  // pending Broker1.Call method calls by message id

    std::optional<MonitorFilter> monitor;
};

class Connections {
public:
    Connection& get(std::string_view name);
    Connection* find(std::string_view name);
    std::unique_ptr<Connection> remove(std::string_view name);

    void own(const std::string& procid, Connection& c);
    void disown(const std::string& procid);
    Connection* owner(std::string_view procid);
    const Connection* owner(std::string_view procid) const;

    template <typename F>
    void for_each(F&& f) {
        for (auto& [name, c] : by_name_) f(*c);
    }

    // Connections with a monitor filter, so that events cost nothing when nobody watches.
    std::size_t monitors() const { return monitors_; }
    void set_monitor(Connection& c, std::optional<MonitorFilter> filter);

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using Equal = std::equal_to<>;
    std::unordered_map<std::string, std::unique_ptr<Connection>, Hash, Equal> by_name_;
    std::unordered_map<std::string, Connection*, Hash, Equal> by_procid_;
    std::size_t monitors_ = 0;
};

}  // namespace ttbus::dbus
