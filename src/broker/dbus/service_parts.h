// Shared by the parts of the broker's D-Bus face (service.cpp and the files beside it): the
// object's names, the checks of client message ids, and the templates every part calls
// (reply, emit, monitor_event). Not a public header: service.h is the face's interface.
#pragma once

#include "service.h"

#include "log.h"
#include "protocol/names.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace ttbus::dbus {

// The face reads and writes the protocol's forms (src/protocol/wire.h) throughout.
using namespace ttbus::protocol;

inline constexpr const char* peer_address_variable = "TTBUS_PEER_ADDRESS";

inline bool is_final(core::State s) {
    return s == core::State::HANDLED || s == core::State::FAILED || s == core::State::RETURNED;
}

// A client-chosen message id is "<token> <procid>": the sending procid after a token, so that ids
// of different procids never collide. libtt numbers its messages as classic libtt did ("<n> <procid>",
// the broker's own form too): the engine's numbering steps over live ids.
inline bool client_id(const std::string& id, const std::string& procid) {
    const std::size_t space = id.find(' ');
    return space != std::string::npos && space > 0 && id.compare(space + 1, std::string::npos, procid) == 0;
}

inline void check_client_id(const std::string& id, const std::string& procid) {
    if (id.empty()) return;  // none: the broker makes one
    if (!client_id(id, procid)) {
        throw Failure(core::Status::ERR_INVALID, "message id '" + id + "' is not '<token> " + procid + "'");
    }
}

// The supplementary groups a peer socket's client had when it connected (SO_PEERGROUPS, as the bus
// daemons take their clients'): no /proc read per peer, and no race with the reuse of its pid.
std::vector<std::uint32_t> peer_groups(int fd);

inline std::string text_of(const sd_bus_error* e) {
    return std::string(e->name ? e->name : "error") + ": " + (e->message ? e->message : "");
}

template <typename F>
int Service::reply(sd_bus_message* call, F&& write) {
    // A one-way call gets no reply: nothing is built.
    if (!sd_bus_message_get_expect_reply(call)) return 1;
    release_held();
    sd_bus_message* raw = nullptr;
    check_bus(sd_bus_message_new_method_return(call, &raw), "reply");
    MessagePtr out(raw);
    Writer w(raw);
    write(w);
    int r = sd_bus_send(nullptr, raw, nullptr);
    sent_to(sd_bus_message_get_bus(call), r, w.size());
    return r < 0 ? r : 1;
}

template <typename F>
void Service::emit(const Connection& c, const char* interface, const char* member, F&& write) {
    if (c.closing) return;
    if (c.peer != nullptr) release_held(c.peer);
    sd_bus* target = c.peer ? c.peer : bus_;
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_signal(target, &raw, broker_object_path, interface, member);
    if (r < 0) {
        log::error(std::string("cannot make a ") + member + " signal for " + c.name + ": " + std::strerror(-r));
        return;
    }
    MessagePtr signal(raw);
    Writer w(raw);
    try {
        if (c.peer == nullptr) check_bus(sd_bus_message_set_destination(raw, c.name.c_str()), "destination");
        write(w);
    } catch (const Failure& f) {
        log::error(std::string("cannot write a ") + member + " signal for " + c.name + ": " + f.what());
        return;
    }
    r = sd_bus_send(target, raw, nullptr);
    sent_to(target, r, w.size());
    if (r < 0 && r != -ENOTCONN && r != -ECONNRESET) {
        log::warning(std::string("cannot send a ") + member + " signal to " + c.name + ": " + std::strerror(-r));
    }
}

template <typename F>
void Service::monitor_event(const char* kind, const core::MessageView* message, const std::string& procid,
                            F&& extra) {
    if (connections_.monitors() == 0) return;
    std::vector<const Connection*> watchers;
    connections_.for_each([&](Connection& c) {
        if (!c.monitor) return;
        const MonitorFilter& f = *c.monitor;
        if (!f.session.empty() && (message == nullptr || (*message)->session != f.session)) return;
        if (!f.op.empty() && (message == nullptr || (*message)->op != f.op)) return;
        if (!f.procid.empty() && procid != f.procid && (message == nullptr || (*message)->sender != f.procid)) return;
        watchers.push_back(&c);
    });
    for (const Connection* c : watchers) {
        emit(*c, monitor_interface, "Event", [&](Writer& w) {
            w.string(kind);
            w.open('a', "{sv}");
            if (message != nullptr) write_message_entries(w, *message);
            extra(w);
            if (!procid.empty()) w.entry(monitor_event_keys[monitor_event_key::procid], procid);
            w.close();
        });
    }
}

}  // namespace ttbus::dbus
