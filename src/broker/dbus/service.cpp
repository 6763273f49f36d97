// The face's set-up: the objects on the bus and on peer connections (vtables generated from the
// XML), the trampoline every method's entry goes through, and the helpers of every handler.
#include "service_parts.h"

#include "launch/fork_launcher.h"
#include "launch/systemd_launcher.h"

namespace ttbus::dbus {

// ---------------------------------------------------------------------------------------------
// Set-up

namespace {

// Logs what opening a store did: why it failed, what it salvaged of a damaged file.
template <typename Store>
typename store::OpenedOnUse<Store>::Opened opening_reported(const char* what, const char* rows, const char* failed) {
    return [=](const std::string& path, const Store* opened, const std::string& error,
               const std::optional<store::Salvage>& salvaged) {
        if (opened == nullptr) log::warning(failed + error);
        if (salvaged) log::error(store::salvage_report(what, path, *salvaged, rows));
    };
}

}  // namespace

Service::Service(sd_bus* bus, sd_event* event, ServiceOptions options)
    : bus_(bus),
      event_(event),
      options_(std::move(options)),
      engine_(core::EngineOptions{options_.session_prefix + "p", options_.session_prefix + "t"}),
      store_(options_.queue_store, opening_reported<store::QueueStore>("queue", "queued messages",
                                                                       "queued messages will not survive a restart: ")),
      specs_(options_.spec_store, opening_reported<store::SpecStore>("spec", "records", "no object specs: ")) {
    auto ended = [this](const launch::LaunchInfo& launch, const std::string& reason) { launch_ended(launch, reason); };
    if (options_.systemd) {
        launcher_ = std::make_unique<launch::SystemdLauncher>(bus_, ended);
        log::info("starting ptypes as systemd user units");
    } else {
        launcher_ = std::make_unique<launch::ForkLauncher>(ended);
        log::info("no systemd user manager on the bus: starting ptypes with fork/exec");
    }
    // The default session keeps its id across restarts, so messages queued in it are found again.
    default_session_ = "ttbus." + std::to_string(options_.broker_uid) + ".default";
    engine_.session_create(default_session_);
    reload_types();
    if (!options_.spec_store.empty()) engine_.set_specs(&spec_lookup_);
    // A queue file left by an earlier broker holds messages (an empty one is removed at exit): it
    // is checked and read now; without one nothing is opened until a message is queued.
    if (store::QueueStore* kept = store_.on_disk() ? store_.get() : nullptr) {
        std::vector<std::string> problems;
        std::size_t restored = 0;
        for (const auto& q : kept->load(&problems)) {
            core::Status s = engine_.queue_restore(q);
            if (s == core::Status::OK) {
                ++restored;
            } else {
                problems.push_back("queued message " + q.message->id + ": " + std::string(core::status_name(s)));
                kept->remove(core::Dequeued{q.queue, q.ptype, q.message->id}, nullptr);
            }
        }
        for (const auto& p : problems) log::warning(p);
        if (restored > 0) log::info("restored " + std::to_string(restored) + " queued messages from " + store_.path());
    }

    // Without a session bus (started by a legacy program where there is none) only peers come.
    int r = 0;
    if (bus_ != nullptr) {
        // Clients that leave the bus. The match is installed before the broker's name is requested
        // (the bus handles one connection's messages in order), so no client can leave unseen.
        sd_bus_slot* slot = nullptr;
        r = sd_bus_match_signal_async(bus_, &slot, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus", "NameOwnerChanged", on_name_owner_changed,
                                      [](sd_bus_message* m, void*, sd_bus_error*) {
                                          if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
                                              log::error("cannot follow clients leaving the bus: " + text_of(e));
                                          }
                                          return 0;
                                      },
                                      this);
        if (r < 0) throw Failure(core::Status::ERR_INTERNAL, std::string("NameOwnerChanged match: ") + std::strerror(-r));
        bus_slots_.emplace_back(slot);
        slot = nullptr;
        r = sd_bus_add_filter(bus_, &slot, on_bus_message, this);
        if (r < 0) throw Failure(core::Status::ERR_INTERNAL, std::string("bus filter: ") + std::strerror(-r));
        bus_slots_.emplace_back(slot);
        register_objects(bus_, bus_slots_);
    }

    // The peer transport.
    sd_event_source* source = nullptr;
    r = sd_event_add_defer(event_, &source, on_reap_peers, this);
    if (r < 0) throw Failure(core::Status::ERR_INTERNAL, std::string("defer source: ") + std::strerror(-r));
    reap_peers_.reset(source);
    sd_event_source_set_enabled(source, SD_EVENT_OFF);
    source = nullptr;
    r = sd_event_add_post(event_, &source, on_peers_starting, this);
    if (r < 0) throw Failure(core::Status::ERR_INTERNAL, std::string("post source: ") + std::strerror(-r));
    starting_peers_.reset(source);
    sd_event_source_set_enabled(source, SD_EVENT_OFF);

    refusals_ = std::make_unique<RefusalLog>(event_, refusal_log_interval_usec);
    if (options_.peer_directory.empty()) {
        log::notice("XDG_RUNTIME_DIR is not set: no peer-to-peer transport, clients use the bus");
    } else {
        sd_id128_randomize(&server_id_);
        std::string error;
        listener_ = PeerListener::open(
            event_, options_.peer_directory, static_cast<uid_t>(options_.broker_uid), *refusals_,
            [this](int fd, const ucred& cred) { peer_accepted(fd, cred); }, &error);
        if (listener_) {
            log::info("peer-to-peer transport at " + listener_->address());
        } else {
            log::warning("no peer-to-peer transport, clients use the bus: " + error);
        }
    }
}

Service::~Service() {
    // Peers first: their connections refer to the objects and the loop.
    peers_.clear();
    listener_.reset();
    connections_.for_each([](Connection& c) { c.calls.clear(); });
}

template <int (Service::*Method)(sd_bus_message*), bool tells_one_way_failure>
int Service::method(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto* self = static_cast<Service*>(userdata);
    try {
        return (self->*Method)(m);
    } catch (const Failure& f) {
        self->release_held();  // sd-bus sends the error reply: the deliveries made before it go first
        if (!tells_one_way_failure && !sd_bus_message_get_expect_reply(m)) {
            log::notice(std::string("one-way ") + sd_bus_message_get_member(m) + " from " +
                std::string(self->caller(m).name) + " failed: " + error_message(f.status, f.what()));
        }
        return set_error(error, f);
    } catch (const std::bad_alloc&) {
        return -ENOMEM;
    } catch (const std::exception& e) {
        self->release_held();
        return set_error(error, Failure(core::Status::ERR_INTERNAL, e.what()));
    }
}

// The vtables are generated from data/dbus-1/org.ttbus.Broker1.xml at build time
// (method_tables.py): each method calls the entry of its name, with the XML's signatures and
// argument names.
const std::vector<Service::Interface>& Service::generated_interfaces() {
// (Parenthesised: sd-bus passes the handler through further macros.)
#define TTBUS_HANDLER(member, tells_one_way_failure) (&method<&Service::on_##member, tells_one_way_failure>)
#include "broker_vtables.inc"
#undef TTBUS_HANDLER
    // The peer-only ones (Peer1: the compact link's hot path) first, where on_peer_call looks first.
    static const std::vector<Interface> all = [] {
        std::vector<Interface> v;
        for (const auto& [name, vtable, peer_only] : interfaces) v.push_back({name, vtable, peer_only});
        std::stable_partition(v.begin(), v.end(), [](const Interface& i) { return i.peer_only; });
        return v;
    }();
    return all;
}

// The same objects on the bus and on every peer connection (a peer-only interface only there).
void Service::register_objects(sd_bus* bus, std::vector<SlotPtr>& slots) {
    for (const auto& i : generated_interfaces()) {
        if (i.peer_only && bus == bus_) continue;
        sd_bus_slot* slot = nullptr;
        int r = sd_bus_add_object_vtable(bus, &slot, broker_object_path, i.name, i.vtable, this);
        if (r < 0) bus_failure(r, i.name);
        slots.emplace_back(slot);
    }
}

// sd-bus's object dispatch (matches, the path's node, the vtable's member table) cost each message
// about 2,000 instructions, as much as reading its compact part, and registering the objects cost a
// connection ~300,000 (5,000 a method), and ~100,000 more to take them down: a peer's call of a
// member with the member's signature is handed to the member's entry here, as the vtable would hand
// it, and sd-bus replies to its failure the same way. Anything else (another signature, which
// sd-bus refuses with its own error, a call without an interface, introspection, org.freedesktop.
// DBus.Properties) takes the object dispatch, for which the peer's objects are registered then.
int Service::on_peer_call(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    if (!sd_bus_message_is_method_call(m, nullptr, nullptr)) return 0;
    const char* path = sd_bus_message_get_path(m);
    const char* interface = sd_bus_message_get_interface(m);
    const char* member = sd_bus_message_get_member(m);
    const Interface* found = nullptr;
    if (path != nullptr && interface != nullptr && member != nullptr && std::strcmp(path, broker_object_path) == 0) {
        for (const auto& i : generated_interfaces()) {
            if (std::strcmp(i.name, interface) != 0) continue;
            found = &i;
            break;
        }
    }
    for (const sd_bus_vtable* v = found != nullptr ? found->vtable : nullptr; v != nullptr && v->type != _SD_BUS_VTABLE_END; ++v) {
        if (v->type != _SD_BUS_VTABLE_METHOD || std::strcmp(v->x.method.member, member) != 0) continue;
        if (sd_bus_message_has_signature(m, v->x.method.signature) > 0) return v->x.method.handler(m, userdata, error);
        break;
    }
    static_cast<Service*>(userdata)->register_peer_objects(sd_bus_message_get_bus(m));
    return 0;
}

void Service::register_peer_objects(sd_bus* bus) {
    auto it = peers_.find(bus);
    if (it == peers_.end() || it->second->objects) return;
    Peer& peer = *it->second;
    peer.objects = true;
    try {
        register_objects(bus, peer.slots);
    } catch (const Failure& f) {  // sd-bus answers the call as if the objects were not there
        log::error(peer.name + ": cannot register the broker's objects: " + f.what());
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

Service::Caller Service::caller(sd_bus_message* m) const {
    sd_bus* bus = sd_bus_message_get_bus(m);
    if (bus != bus_) {
        auto it = peers_.find(bus);
        return {it == peers_.end() ? std::string_view() : std::string_view(it->second->name), bus};
    }
    const char* sender = sd_bus_message_get_sender(m);
    return {sender ? std::string_view(sender) : std::string_view(), bus};
}

Connection& Service::own(std::string_view procid, const Caller& who) {
    Connection* c = connections_.owner(procid);
    if (c == nullptr) throw Failure(core::Status::ERR_PROCID, "no procid " + std::string(procid));
    if (c->name != who.name) {
        throw Failure(core::Status::ERR_ACCESS, "procid " + std::string(procid) + " belongs to another connection");
    }
    return *c;
}

void Service::check(core::Status s, std::string_view what, std::string_view subject) {
    if (s == core::Status::OK || !core::is_error(s)) return;
    std::string text(what);
    if (!subject.empty()) text.append(" ").append(subject);
    throw Failure(s, text);
}

int Service::reply_empty(sd_bus_message* call) {
    return reply(call, [](Writer&) {});
}

void Service::reply_failure(sd_bus_message* call, const Failure& f) {
    if (!sd_bus_message_get_expect_reply(call)) {
        log::notice(std::string("one-way ") + sd_bus_message_get_member(call) + " from " + std::string(caller(call).name) +
            " failed: " + error_message(f.status, f.what()));
        return;
    }
    release_held();
    sd_bus_error e{};
    set_error(&e, f);
    sent_to(sd_bus_message_get_bus(call), sd_bus_reply_method_error(call, &e), std::strlen(f.what()));
    sd_bus_error_free(&e);
}

}  // namespace ttbus::dbus
