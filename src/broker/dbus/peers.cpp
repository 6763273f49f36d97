// The connection host: clients on the bus coming and going, and the peer-to-peer connections to
// the broker's socket (accepted, authenticated, served, reaped).
#include "service_parts.h"

#include <linux/sockios.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
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

std::size_t Service::authenticated_peers() const {
    return static_cast<std::size_t>(
        std::count_if(peers_.begin(), peers_.end(), [](const auto& p) { return p.second->authenticated && !p.second->gone; }));
}

std::unique_ptr<Service::Peer> Service::new_peer() {
    auto peer = std::make_unique<Peer>();
    peer->service = this;
    sd_bus* raw = nullptr;
    int r = sd_bus_new(&raw);
    if (r < 0) throw Failure(core::Status::ERR_INTERNAL, std::strerror(-r));
    peer->bus.reset(raw);
    sd_bus_slot* slot = nullptr;
    r = sd_bus_add_filter(raw, &slot, on_peer_call, this);
    if (r < 0) throw Failure(core::Status::ERR_INTERNAL, std::strerror(-r));
    peer->slots.emplace_back(slot);
    return peer;
}

void Service::peer_accepted(int fd, const ucred& cred) {
    Peer* oldest_pending = nullptr;
    std::size_t pending = 0;
    for (const auto& [bus, peer] : peers_) {
        if (peer->gone || peer->authenticated) continue;
        ++pending;
        if (oldest_pending == nullptr || peer->number < oldest_pending->number) oldest_pending = peer.get();
    }
    if (authenticated_peers() >= options_.max_peers) {
        refusals_->refused("refused a peer connection from pid " + std::to_string(cred.pid) + ": " +
                           std::to_string(options_.max_peers) + " peers are connected already");
        close(fd);
        return;
    }
    // Connections that never authenticate cannot keep anybody out: the newest gets the place of
    // the oldest.
    if (pending >= max_pending_peers) {
        close_peer(*oldest_pending, std::to_string(max_pending_peers) + " peer connections are authenticating; closed " +
                                        oldest_pending->name + ", the oldest of them");
    }
    std::unique_ptr<Peer> peer;
    try {
        peer = new_peer();
    } catch (const Failure& f) {
        close(fd);
        log::error(std::string("cannot serve a peer connection: ") + f.what());
        return;
    }
    peer->number = next_peer_++;
    peer->name = "peer:" + std::to_string(peer->number);
    std::vector<std::uint32_t> groups = peer_groups(fd);
    sd_bus* raw = peer->bus.get();  // owns the socket from here on
    int r = sd_bus_set_fd(raw, fd, fd);
    if (r < 0) close(fd);
    if (r >= 0) r = sd_bus_set_description(raw, peer->name.c_str());
    if (r >= 0) r = sd_bus_set_server(raw, 1, server_id_);
    if (r >= 0) r = sd_bus_start(raw);
    // sd_bus_start read what the client sent with its connect (sd-bus and libtt send the whole
    // handshake at once) and queued the answer: it goes out now, before the rest of the set-up,
    // instead of after a loop iteration (the client waits for it before its first call). A failure
    // to write shows in the connection's state, handled as any ended connection is.
    if (r >= 0 && (sd_bus_get_events(raw) & POLLOUT) != 0) sd_bus_process(raw, nullptr);
    // The watch holds a descriptor of its own: sd-bus closes its one before it tells that the
    // connection ended, and epoll must be told while the socket is open (a child forked meanwhile
    // may hold it open, and a closed descriptor cannot be taken out of epoll).
    const int watched = r >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
    if (r >= 0 && watched < 0) r = -errno;
    sd_event_source* io = nullptr;
    if (r >= 0) r = sd_event_add_io(event_, &io, watched, 0, on_peer_io, peer.get());
    if (r >= 0) {
        peer->io.reset(io);
        sd_event_source_set_io_fd_own(io, 1);
    } else if (watched >= 0) {
        close(watched);
    }
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
    sd_event_source* timer = nullptr;
    r = sd_event_add_time_relative(event_, &timer, CLOCK_MONOTONIC, handshake_timeout_usec, 0, on_handshake_timeout,
                                   peer.get());
    if (r < 0) {
        log::error("cannot serve a peer connection: " + std::string(std::strerror(-r)));
        return;
    }
    peer->handshake.reset(timer);
    Connection& c = connections_.get(peer->name);
    c.peer = raw;
    c.uid = cred.uid;
    c.gid = cred.gid;
    c.groups = std::move(groups);
    c.credentials_known = true;
    watch(*peer);
    peers_.emplace(raw, std::move(peer));
    sd_event_source_set_enabled(starting_peers_.get(), SD_EVENT_ON);
}

// sd-bus (252) leaves what a client sends right after its BEGIN in the same read unparsed until the
// socket is readable again: a client that waits for each answer of the handshake (libdbus, GDBus)
// would wait for the reply to its first call forever. So a peer is processed once more after each
// loop iteration until it has authenticated, and then until sd-bus holds nothing the socket does
// not tell of (drain_handshake_leftover).
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
        if (r > 0 && self->authenticated_peers() >= self->options_.max_peers) {
            self->close_peer(*peer, "closed " + peer->name + ": " + std::to_string(self->options_.max_peers) +
                                        " peers are connected already");
        } else if (r > 0) {
            peer->authenticated = true;
            peer->handshake.reset();
            ready.push_back(bus);
        }
    }
    if (!waiting) sd_event_source_set_enabled(source, SD_EVENT_OFF);
    // Processing may end a peer (peers_ keeps it until the reap), never add one.
    for (sd_bus* bus : ready) {
        drain_handshake_leftover(bus);
        if (auto it = self->peers_.find(bus); it != self->peers_.end()) self->watch(*it->second);
    }
    return 0;
}

// Messages of one peer processed in one dispatch, at most: a loop iteration per message would cost
// more than most messages, and the deliveries they make go out together (Holding) when the run ends.
// The bound trades notices for fairness: a requester's round trip during another peer's flood waits
// for the flooder's turn at each of its two messages (bench.py's latency row, median: about 230 us
// with one, 270 with four, 450 with eight, 1 ms with 32; 100 quiet), while notices to 1/4/8
// observers went from 0.7/0.5/0.6 of raw D-Bus fan-out with one to 1.0/1.8/1.9 with four and
// 1.2/2.2/2.4 with eight. With turns by recent use (served()), four kept that median within 1.3 to
// 1.7 times the quiet one, eight made it 2.1 to 3.5. Whether there is more is asked once, after the
// first: a lone message (a request, a reply) costs no read that finds nothing.
namespace {

constexpr int max_messages_per_dispatch = 4;

bool more_to_read(sd_bus* bus) {
    int n = 0;
    return ioctl(sd_bus_get_fd(bus), FIONREAD, &n) == 0 && n > 0;
}

}  // namespace

// Only what sd-bus read with the handshake: once the socket holds more, its io source takes turns
// with the others (sd-bus parses what it holds before it reads again). Processing until nothing is
// left would serve a client that sends without pause (a flood of notices begun at once) and nobody
// else for as long as it sends.
void Service::drain_handshake_leftover(sd_bus* bus) {
    while (!more_to_read(bus) && sd_bus_process(bus, nullptr) > 0) {
    }
}

// sd-bus reads one message at a time: a readable socket holding more stays readable, so the loop
// comes back to it after turning to the others, as with sd-bus's own event source.
int Service::on_peer_io(sd_event_source*, int, std::uint32_t revents, void* userdata) {
    auto* peer = static_cast<Peer*>(userdata);
    Service& service = *peer->service;
    sd_bus* bus = peer->bus.get();
    std::uint64_t began = 0;
    sd_event_now(service.event_, CLOCK_MONOTONIC, &began);
    bool light = false;
    bool flooding = false;
    int r = 0;
    {
        Holding holding(service);
        r = sd_bus_process(bus, nullptr);
        // A flooder stays one until it pauses: one that the broker keeps up with (its socket
        // empty after a message) still keeps its observers busy.
        if (peer->rested && began - peer->last_turn >= FloodRests::active_usec) peer->rested = false;
        peer->last_turn = began;
        // While others are active (FloodRests), a flooder gets a message; one that just began
        // sending gets its turn, and rests if more waits after it.
        const bool read = r > 0 && (revents & EPOLLIN) != 0;  // not a turn that only wrote
        const bool others = read && service.flood_rests_.others_active(peer->number, began);
        flooding = others && peer->rested;
        if (r > 0 && !peer->gone && !flooding && more_to_read(bus)) {
            for (int n = 1; n < max_messages_per_dispatch && r > 0 && !peer->gone; ++n) r = sd_bus_process(bus, nullptr);
            flooding = others && r > 0 && !peer->gone && more_to_read(bus);
        } else {
            light = read && !peer->rested;
        }
        // A connection sd-bus found ended is processed on until it has said so (Disconnected): its
        // socket no longer wakes the loop.
        while (r > 0 && sd_bus_is_open(bus) <= 0) r = sd_bus_process(bus, nullptr);
        if (r < 0 && sd_bus_is_open(bus) > 0) {
            service.close_peer(*peer, peer->name + ": " + std::strerror(-r) + "; closed");
            return 0;
        }
    }
    service.served(*peer, began, light, flooding);
    service.watch(*peer);
    return 0;
}

void Service::served(Peer& peer, std::uint64_t began, bool light, bool flooding) {
    peer.level = peer.use.served(began);
    set_priority(peer);
    if (light) flood_rests_.light_turn(peer.number, began);
    if (flooding && !peer.gone) {
        // What the turn took, its deliveries written (sd_event_now told when the loop woke for it).
        timespec t{};
        clock_gettime(CLOCK_MONOTONIC, &t);
        const std::uint64_t now = static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(t.tv_nsec) / 1000;
        rest(peer, now + FloodRests::rest_usec(now > began ? now - began : 0));
    }
}

void Service::rest(Peer& peer, std::uint64_t until) {
    if (!peer.io) return;
    sd_event_source_set_enabled(peer.io.get(), SD_EVENT_OFF);
    peer.resting_until = until;
    peer.rested = true;
    peer.last_turn = until;  // a pause is counted from the rest's end
    std::uint64_t armed = 0;
    if (rests_over_ && sd_event_source_get_enabled(rests_over_.get(), nullptr) > 0 &&
        sd_event_source_get_time(rests_over_.get(), &armed) >= 0 && armed <= until) {
        return;
    }
    int r = 0;
    if (!rests_over_) {
        sd_event_source* source = nullptr;
        // Accurate to the microsecond: sd-event's default would let a rest of a millisecond last
        // up to 250 ms.
        r = sd_event_add_time(event_, &source, CLOCK_MONOTONIC, until, 1, on_rests_over, this);
        if (r >= 0) rests_over_.reset(source);
    } else {
        r = sd_event_source_set_time(rests_over_.get(), until);
        if (r >= 0) r = sd_event_source_set_enabled(rests_over_.get(), SD_EVENT_ONESHOT);
    }
    if (r < 0) {  // no timer: no rest
        peer.resting_until = 0;
        sd_event_source_set_enabled(peer.io.get(), SD_EVENT_ON);
    }
}

// The rests that are over end; the timer is armed again for the next one to end, if any.
int Service::on_rests_over(sd_event_source* source, std::uint64_t now, void* userdata) {
    auto* self = static_cast<Service*>(userdata);
    std::uint64_t next = 0;
    for (auto& [bus, peer] : self->peers_) {
        if (peer->resting_until == 0) continue;
        if (peer->resting_until > now) {
            next = next == 0 ? peer->resting_until : std::min(next, peer->resting_until);
            continue;
        }
        peer->resting_until = 0;
        if (peer->io) sd_event_source_set_enabled(peer->io.get(), SD_EVENT_ON);
    }
    if (next != 0) {
        sd_event_source_set_time(source, next);
        sd_event_source_set_enabled(source, SD_EVENT_ONESHOT);
    }
    return 0;
}

// The bus connection's source is sd-bus's, at the normal priority: a peer's is set relative to it.
void Service::set_priority(Peer& peer) {
    if (peer.io) sd_event_source_set_priority(peer.io.get(), SD_EVENT_PRIORITY_NORMAL + std::max(0, peer.level - bus_level_));
}

int Service::on_bus_message(sd_bus_message*, void* userdata, sd_bus_error*) {
    auto* self = static_cast<Service*>(userdata);
    std::uint64_t now = 0;
    sd_event_now(self->event_, CLOCK_MONOTONIC, &now);
    const int level = self->bus_use_.served(now);
    self->flood_rests_.light_turn(0, now);
    if (level != self->bus_level_) {  // now and then: levels are binary orders of magnitude
        self->bus_level_ = level;
        for (auto& [bus, peer] : self->peers_) self->set_priority(*peer);
    }
    return 0;
}

void Service::watch(Peer& peer) {
    if (!peer.io) return;
    const int events = sd_bus_get_events(peer.bus.get());
    if (events >= 0) sd_event_source_set_io_events(peer.io.get(), static_cast<std::uint32_t>(events));
}

// Authenticating takes a local client a millisecond; one that has not done it in time never will.
int Service::on_handshake_timeout(sd_event_source*, std::uint64_t, void* userdata) {
    auto* peer = static_cast<Peer*>(userdata);
    if (!peer->authenticated && !peer->gone) {
        peer->service->close_peer(*peer, peer->name + " did not authenticate within " +
                                             std::to_string(handshake_timeout_usec / 1000000) + " s; closed");
    }
    return 0;
}

void Service::close_peer(Peer& peer, std::string why) {
    if (peer.gone) return;
    peer.gone = true;
    peer.io.reset();  // nothing more is read from it or written to it
    peer.closed_because = std::move(why);
    if (Connection* c = connections_.find(peer.name)) c->closing = true;
    backlog_total_ -= peer.backlog.bytes();
    peer.backlog = Backlog();
    sd_event_source_set_enabled(reap_peers_.get(), SD_EVENT_ONESHOT);
}

// sd-bus holds what it could not write yet; the oldest of a peer's sent messages beyond that are
// written. A peer over its bound that has taken nothing for a while does not read, and is closed.
// One that reads, only slower than a sender sends, may fall further behind, until all peers
// together are over their bound: then the one with the most unwritten (the one that reads least)
// is closed.
void Service::sent_to(sd_bus* bus, int r, std::size_t bytes) {
    auto it = peers_.find(bus);
    if (it == peers_.end() || it->second->gone) return;
    if (r < 0) {
        // The connection is ending (sd-bus says so once processed, outside this dispatch): its
        // socket may give no sign of it, when the peer shut only its reading side.
        if (sd_bus_is_open(bus) <= 0) sd_event_source_set_enabled(reap_peers_.get(), SD_EVENT_ONESHOT);
        return;
    }
    watch(*it->second);
    auto unwritten = [](sd_bus* b) {
        std::uint64_t n = 0;
        return sd_bus_get_n_queued_write(b, &n) < 0 ? 0 : n;
    };
    // Asked only while messages wait: the common case costs no system call.
    auto in_socket = [](sd_bus* b, std::uint64_t waiting) {
        int n = 0;
        if (waiting > 0 && ioctl(sd_bus_get_fd(b), SIOCOUTQ, &n) < 0) n = 0;
        return n;
    };
    std::uint64_t now = 0;
    sd_event_now(event_, CLOCK_MONOTONIC, &now);
    Peer& peer = *it->second;
    backlog_total_ -= peer.backlog.bytes();
    const std::uint64_t waiting = unwritten(bus);
    peer.backlog.sent(bytes + queued_message_overhead, waiting, in_socket(bus, waiting), now);
    backlog_total_ += peer.backlog.bytes();
    const bool stalled = now - peer.backlog.progress() >= max_backlog_stall_usec;
    if ((peer.backlog.bytes() > max_backlog_bytes && stalled) || peer.backlog.bytes() > max_backlog_hard) {
        log::warning(peer.name + " does not read: " + std::to_string(peer.backlog.bytes() >> 20) + " MiB wait to be written to it and it took nothing for " +
                     std::to_string((now - peer.backlog.progress()) / 1000) + " ms; closing it");
        close_peer(peer, {});
        return;
    }
    if (backlog_total_ <= max_backlog_total) return;
    Peer* most = nullptr;
    for (auto& [b, p] : peers_) {
        if (p->gone) continue;
        backlog_total_ -= p->backlog.bytes();
        const std::uint64_t n = unwritten(b);
        p->backlog.written(n, in_socket(b, n), now);
        backlog_total_ += p->backlog.bytes();
        if (most == nullptr || p->backlog.bytes() > most->backlog.bytes()) most = p.get();
    }
    if (backlog_total_ > max_backlog_total && most != nullptr) {
        log::warning(most->name + " reads least while more than " + std::to_string(max_backlog_total >> 20) +
                     " MiB wait to be written to all peers; closing it");
        close_peer(*most, {});
    }
}

int Service::on_peer_disconnected(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<Service*>(userdata);
    auto it = self->peers_.find(sd_bus_message_get_bus(m));
    if (it == self->peers_.end()) return 0;
    // sd-bus has closed its descriptor already; the watch's goes now, and with it the socket.
    it->second->io.reset();
    if (it->second->gone) return 0;
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
    // Connections sending found ended die as if they had hung up (Disconnected). Processing may end
    // a peer, never add one.
    for (auto& [bus, peer] : self->peers_) {
        if (peer->gone || sd_bus_is_open(bus) > 0) continue;
        while (sd_bus_process(bus, nullptr) > 0) {
        }
    }
    // Those the broker closed die as if they had hung up; their connections close without a flush.
    std::vector<std::string> closed;
    for (auto it = self->peers_.begin(); it != self->peers_.end();) {
        if (!it->second->gone) {
            ++it;
            continue;
        }
        if (!it->second->closed_because.empty()) self->refusals_->refused(it->second->closed_because);
        closed.push_back(it->second->name);
        it = self->peers_.erase(it);
    }
    for (const auto& name : closed) {
        try {
            self->connection_gone(name);
        } catch (const std::exception& e) {
            log::warning(name + " closed: " + e.what());
        }
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
