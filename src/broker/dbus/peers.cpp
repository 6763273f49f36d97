// The connection host: clients on the bus coming and going, and the peer-to-peer connections to
// the broker's socket (accepted, authenticated, served, reaped).
#include "service_parts.h"

#include <unistd.h>

namespace ttbus::dbus {

// ---------------------------------------------------------------------------------------------
// The bus and the peers

int Service::on_name_owner_changed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* name = nullptr;
    const char* old_owner = nullptr;
    const char* new_owner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0) return 0;
    if (new_owner[0] == '\0' && name[0] == ':') {
        try {
            static_cast<Service*>(userdata)->connection_gone(name);
        } catch (const std::exception& e) {
            log::warning(std::string("connection ") + name + " left: " + e.what());
        }
    }
    return 0;
}

void Service::peer_accepted(int fd, const ucred& cred) {
    std::size_t live = 0;
    for (const auto& [bus, peer] : peers_) live += peer->gone ? 0 : 1;
    if (live >= options_.max_peers) {
        log::warning("refused a peer connection from pid " + std::to_string(cred.pid) + ": " +
            std::to_string(options_.max_peers) + " peers are connected already");
        close(fd);
        return;
    }
    auto peer = std::make_unique<Peer>();
    peer->name = "peer:" + std::to_string(next_peer_++);
    sd_bus* raw = nullptr;
    int r = sd_bus_new(&raw);
    if (r < 0) {
        close(fd);
        log::error(std::string("cannot serve a peer connection: ") + std::strerror(-r));
        return;
    }
    peer->bus.reset(raw);  // owns the socket from here on
    r = sd_bus_set_fd(raw, fd, fd);
    if (r < 0) close(fd);
    if (r >= 0) r = sd_bus_set_description(raw, peer->name.c_str());
    if (r >= 0) r = sd_bus_set_server(raw, 1, server_id_);
    if (r >= 0) r = sd_bus_start(raw);
    if (r >= 0) r = sd_bus_attach_event(raw, event_, SD_EVENT_PRIORITY_NORMAL);
    sd_bus_slot* slot = nullptr;
    if (r >= 0) {
        r = sd_bus_match_signal(raw, &slot, nullptr, "/org/freedesktop/DBus/Local", "org.freedesktop.DBus.Local",
                                "Disconnected", on_peer_disconnected, this);
    }
    if (r < 0) {
        log::error("cannot serve a peer connection: " + std::string(std::strerror(-r)));
        return;
    }
    peer->slots.emplace_back(slot);
    try {
        register_objects(raw, peer->slots);
    } catch (const Failure& f) {
        log::error(std::string("cannot serve a peer connection: ") + f.what());
        return;
    }
    Connection& c = connections_.get(peer->name);
    c.peer = raw;
    c.uid = cred.uid;
    c.gid = cred.gid;
    c.groups = process_groups(static_cast<std::uint32_t>(cred.pid));
    c.credentials_known = true;
    peers_.emplace(raw, std::move(peer));
    sd_event_source_set_enabled(starting_peers_.get(), SD_EVENT_ON);
}

// sd-bus (252) leaves what a client sends right after its BEGIN in the same read unparsed until the
// socket is readable again: a client that waits for each answer of the handshake (libdbus, GDBus)
// would wait for the reply to its first call forever. So a peer is processed once more after each
// loop iteration until it has authenticated.
int Service::on_peers_starting(sd_event_source* source, void* userdata) {
    auto* self = static_cast<Service*>(userdata);
    bool waiting = false;
    std::vector<sd_bus*> ready;
    for (auto& [bus, peer] : self->peers_) {
        if (!peer->starting) continue;
        if (peer->gone) {
            peer->starting = false;
            continue;
        }
        int r = sd_bus_is_ready(bus);
        if (r == 0) {
            waiting = true;
            continue;
        }
        peer->starting = false;
        if (r > 0) ready.push_back(bus);
    }
    if (!waiting) sd_event_source_set_enabled(source, SD_EVENT_OFF);
    // Processing may end a peer (peers_ keeps it until the reap), never add one.
    for (sd_bus* bus : ready) {
        while (sd_bus_process(bus, nullptr) > 0) {
        }
    }
    return 0;
}

int Service::on_peer_disconnected(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<Service*>(userdata);
    auto it = self->peers_.find(sd_bus_message_get_bus(m));
    if (it == self->peers_.end() || it->second->gone) return 0;
    Peer& peer = *it->second;
    peer.gone = true;
    try {
        self->connection_gone(peer.name);
    } catch (const std::exception& e) {
        log::warning(peer.name + " hung up: " + e.what());
    }
    // The connection itself is released outside its own dispatch.
    sd_event_source_set_enabled(self->reap_peers_.get(), SD_EVENT_ONESHOT);
    return 0;
}

int Service::on_reap_peers(sd_event_source*, void* userdata) {
    auto* self = static_cast<Service*>(userdata);
    for (auto it = self->peers_.begin(); it != self->peers_.end();) {
        it = it->second->gone ? self->peers_.erase(it) : std::next(it);
    }
    return 0;
}

// A client left the bus or hung up its peer connection: its procids die (requests they handled
// fail, send-on-exit messages go out), the sessions it created end.
void Service::connection_gone(std::string_view name) {
    std::unique_ptr<Connection> c = connections_.remove(name);
    if (!c) return;
    core::Effects fx;
    for (const auto& procid : c->procids) engine_.close(procid, core::CloseReason::DIED, fx);
    for (const auto& session : c->sessions) engine_.session_destroy(session, fx);
    apply(fx);
}

}  // namespace ttbus::dbus
