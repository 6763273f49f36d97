// The D-Bus face of the broker: org.ttbus.Broker1, Procid1 and Monitor1 on /org/ttbus/Broker1,
// served with sd-bus on the user bus and on every peer-to-peer connection to the broker's socket.
// Calls are decoded, checked for ownership and limits, and turned into engine events; the
// engine's effects are carried out here (signals to the owning connection, monitor events,
// launches). One class, its parts in one file each: service.cpp (set-up, the method trampoline),
// credentials.cpp (credentials and ownership), peers.cpp (the bus and peer connections),
// effect_sink.cpp (carrying out effects), monitor.cpp, and the handlers of each interface
// (broker1_methods.cpp, procid1_methods.cpp); service_parts.h holds what they share. The vtables
// and each method's entry (decoding, ownership, reply) are generated from the XML
// (method_tables.py); arguments.h holds the types its dictionaries decode to.
#pragma once

#include "arguments.h"
#include "backlog.h"
#include "connections.h"
#include "flood_rests.h"
#include "handles.h"
#include "peer_listener.h"
#include "recent_use.h"
#include "refusal_log.h"
#include "protocol/wire.h"

#include "core/engine.h"
#include "launch/launcher.h"
#include "store/queue_store.h"
#include "store/spec_store.h"

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace ttbus::dbus {

// Bounds of the peer transport (docs/dbus-api.md): what the broker holds unwritten for one peer
// connection that has taken nothing for a while and for all of them (a peer that does not read is
// closed, as if it had hung up), and connections that have not authenticated yet (at the cap the
// oldest is closed).
inline constexpr std::size_t max_backlog_bytes = std::size_t{32} << 20;
inline constexpr std::uint64_t max_backlog_stall_usec = 500'000;
inline constexpr std::size_t max_backlog_hard = std::size_t{128} << 20;  // whether it takes something or not
inline constexpr std::size_t max_backlog_total = std::size_t{256} << 20;
// What sd-bus holds for a queued message besides its contents (measured: a queued Delivered of a
// small notice costs the broker about this much more than its strings and values).
inline constexpr std::size_t queued_message_overhead = 2048;
inline constexpr std::size_t max_pending_peers = 64;
inline constexpr std::uint64_t handshake_timeout_usec = 2'000'000;
inline constexpr std::uint64_t refusal_log_interval_usec = 10'000'000;

struct ServiceOptions {
    std::string session_prefix;  // session ids are prefix + counter; the default session is prefix + "0"
    std::uint32_t broker_uid = 0;
    bool systemd = false;  // a user manager is on the bus: start ptypes as systemd user units
    std::string queue_store;  // SQLite file keeping queued messages across restarts; "" for none
    std::string spec_store;   // SQLite file of the object specs; "" for none (spec methods fail)
    std::string peer_directory;  // where the peer socket goes ($XDG_RUNTIME_DIR/ttbus); "" for none
    std::size_t max_peers = 256;  // authenticated peer connections at once
    std::string version;
    // Loads the type database; returns the types and a log of problems (empty when none).
    std::function<std::shared_ptr<const core::TypeDb>(std::string& problems)> load_types;
    // Merges a compiled types.xdr image into the current types; returns "" or an error text.
    std::function<std::string(const std::string& xdr, std::shared_ptr<const core::TypeDb>& types)> merge_xdr;
};

class Service {
public:
    // `bus` is attached to `event`; both outlive the service. Without a session bus `bus` is null
    // and only peers come.
    Service(sd_bus* bus, sd_event* event, ServiceOptions options);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Re-reads the type database (SIGUSR2, a type file changed, ReloadTypes).
    std::pair<std::uint32_t, std::uint32_t> reload_types();
    // The broker stops serving: a queue file that holds nothing is removed, so that the next broker
    // opens none. Called while the broker still holds its name and socket (no other broker serves):
    // one that failed to get them must leave the serving broker's file alone.
    void remove_empty_queue_store() { store_.remove_if_empty(); }
    // Call on SIGCHLD.
    void reap_children();
    const std::string& default_session() const { return default_session_; }
    // The D-Bus address of the peer socket, "" when there is none.
    std::string peer_address() const { return listener_ ? listener_->address() : std::string(); }

private:
    // A peer-to-peer connection: an sd-bus server on an accepted socket.
    struct Peer {
        Service* service = nullptr;
        BusPtr bus;
        // Its socket, watched by the broker rather than by sd-bus's event source: sd-bus's asks every
        // connection what to wait for at each turn of the loop, this one is told when that changes
        // (peers.cpp). It owns a descriptor of the socket of its own.
        SourcePtr io;
        std::string name;  // "peer:<n>"
        std::uint64_t number = 0;  // the n of its name: the order of arrival
        std::vector<SlotPtr> slots;
        bool objects = false;  // the broker's objects registered on it (on_peer_call: when first needed)
        bool starting = true;  // authenticating, or not yet processed once since
        bool authenticated = false;
        bool gone = false;
        std::string closed_because;  // closed by the broker (it ends at the next reap), and why
        SourcePtr handshake;         // the handshake timeout, while authenticating
        Backlog backlog;
        RecentUse use;
        int level = 0;  // of its recent use
        std::uint64_t resting_until = 0;  // a flooder's socket is not read until then (0: it is)
        bool rested = false;  // it flooded, and has not paused since (FloodRests::active_usec)
        std::uint64_t last_turn = 0;
    };
    // Who called: the connection's name (unique bus name or peer name) and its connection.
    struct Caller {
        std::string_view name;
        sd_bus* bus;
    };
    // A method call as a handler sees it: the message (to reply to later, or by hand) and who sent it.
    struct MethodCall {
        sd_bus_message* message;
        Caller who;
    };

    // `tells_one_way_failure`: the method's entry tells the failure of a call that expects no
    // reply itself (org.ttbus.Broker.OneWayFailure in the XML); otherwise it is logged here.
    template <int (Service::*Method)(sd_bus_message*), bool tells_one_way_failure>
    static int method(sd_bus_message* m, void* userdata, sd_bus_error* error);
    // The interfaces of data/dbus-1/org.ttbus.Broker1.xml, with their generated vtables.
    struct Interface {
        const char* name;
        const sd_bus_vtable* vtable;
        bool peer_only;  // on peer connections only
    };
    static const std::vector<Interface>& generated_interfaces();
    void register_objects(sd_bus* bus, std::vector<SlotPtr>& slots);
    // A peer's method calls go from a filter straight to their entries in the vtables; sd-bus's
    // object dispatch serves everything else, the objects registered on the peer's connection when
    // it first needs them (register_peer_objects).
    static int on_peer_call(sd_bus_message* m, void* userdata, sd_bus_error* error);
    void register_peer_objects(sd_bus* bus);

    // For every method of data/dbus-1/org.ttbus.Broker1.xml, generated by method_tables.py: its
    // entry `on_Member`, which reads the arguments, checks ownership and writes the reply, and the
    // declaration of its handler `Member`, which receives them typed (method_tables.py says how).
#include "broker_handlers.inc"

    Caller caller(sd_bus_message* m) const;
    // The procid must exist and belong to the caller; returns its connection.
    Connection& own(std::string_view procid, const Caller& who);
    // Throws the Failure of an error status, its text "<what> <subject>" (made only then).
    static void check(core::Status s, std::string_view what, std::string_view subject = {});
    // A method's return: `write` appends the out arguments.
    template <typename F>
    int reply(sd_bus_message* call, F&& write);
    int reply_empty(sd_bus_message* call);
    // Answers an asynchronous call with an error (logged when nobody waits for it).
    void reply_failure(sd_bus_message* call, const protocol::Failure& f);

    // Runs `then` once the caller's credentials are known (asked of the bus once per connection;
    // a peer's come with its socket).
    void with_credentials(const Caller& who, CredentialsReady then);
    // An asynchronous method's body once the caller's credentials are known: failing to learn
    // them, or a Failure `act` throws, is the call's error reply; `act` replies otherwise.
    void as_known_caller(const MethodCall& c, std::function<void(Connection& who, const MessageRef& call)> act);
    static int on_credentials(sd_bus_message* reply, void* userdata, sd_bus_error* error);
    void credentials_arrived(const std::string& name, sd_bus_message* reply);
    std::string open_procid(Connection& conn, const std::string& session, const std::string& token);
    std::string send_checked(const std::string& procid, core::Message& m,
                             const std::function<void(const std::string&)>& before_effects);
    std::string one_call(Connection& conn, core::Message& m, core::Class cls,
                         const std::function<void(const std::string&)>& before_effects);
    // A one-way Send failed (org.ttbus.Broker.OneWayFailure): `owner` is null when the procid was
    // not the caller's; `m` holds what was read of the message.
    void one_way_send_failed(const MethodCall& call, const Connection* owner, const std::string& procid,
                             const core::Message& m, const protocol::Failure& f);
    // A one-way answer (Reply, Fail, Reject, Accept, Abstain, ReplyCompact, FailCompact) refused
    // (org.ttbus.Broker.OneWayFailure): logged as a warning for the procid and the message.
    void one_way_answer_refused(const MethodCall& call, const Connection* owner, const std::string& procid,
                                const std::string& id, const protocol::Failure& f);
    void one_way_answer_refused(const MethodCall& call, const Connection* owner, const std::string& procid,
                                const std::string& id, const core::Answer&, const protocol::Failure& f) {
        one_way_answer_refused(call, owner, procid, id, f);
    }
    // The same for the packed forms (Peer1.SendPacked, ReplyPacked, FailPacked).
    void one_way_send_failed(const MethodCall& call, const PackedMessage& p, const protocol::Failure& f) {
        one_way_send_failed(call, p.owner, p.procid, p.message, f);
    }
    void one_way_answer_refused(const MethodCall& call, const PackedAnswer& p, const protocol::Failure& f) {
        one_way_answer_refused(call, p.owner, p.procid, p.id, f);
    }
    // ReplyPacked, FailPacked: the owner check, then the answer part, then Reply or Fail.
    void packed_answer(const MethodCall& call, PackedAnswer& p,
                       void (Service::*as)(Connection&, const std::string&, const std::string&, core::Answer&));
    // Reply and Fail: an answer to a message, then the engine's event.
    void answer(const std::string& procid, const std::string& id, const core::Answer& a,
                core::Status (core::Engine::*event)(const std::string&, const std::string&, const core::Answer&,
                                                    core::Effects&),
                const char* what);
    // Reject, Accept and Abstain: the engine's event on a message.
    void conclude(const std::string& procid, const std::string& id,
                  core::Status (core::Engine::*event)(const std::string&, const std::string&, core::Effects&),
                  const char* what);

    void apply(core::Effects& fx);
    // Deliveries to a compact peer of compact::batch_link_version are held while the broker works
    // through a run of input (Holding, around on_peer_io's), and go out at its end as one
    // DeliveredBatch per procid (DeliveredPacked from packed_signals_link_version; one held alone too,
    // as a batch of one). A signal to that peer lets
    // its own go first, so that a connection gets everything in the order it was made; a reply or
    // an update, to anyone, lets all go first: whoever learns that a call returned or a request was
    // answered may rely on the deliveries made before it having been sent (a sender that waits for
    // a call's reply and then tells an observer, as a test in tests/compat/dispatch.c does).
    struct Held {
        std::string procid;
        std::string batch;  // compact::append_to_batch
    };
    struct HeldFor {
        std::string connection;
        std::vector<Held> batches;
    };
    class Holding {
    public:
        explicit Holding(Service& s) : service_(s) { service_.holding_ = true; }
        // The run has ended: what it held goes out now.
        ~Holding() {
            service_.holding_ = false;
            service_.release_held();
        }
        Holding(const Holding&) = delete;
        Holding& operator=(const Holding&) = delete;

    private:
        Service& service_;
    };
    void hold(const Connection& c, const std::string& procid, std::string_view delivery, std::string_view body);
    void release_held(sd_bus* peer);  // what is held for the connection on `peer`
    void release_held();              // all that is held
    // Procid1.Updated, or Peer1.UpdatedCompact to a connection that asked for the compact form.
    void emit_update(const Connection& c, const std::string& procid, const core::MessageView& m);
    // Emits a signal of /org/ttbus/Broker1 to the connection: unicast on the bus, or on its peer
    // connection. `write` appends the arguments. Failures are logged.
    template <typename F>
    void emit(const Connection& c, const char* interface, const char* member, F&& write);
    template <typename F>
    void monitor_event(const char* kind, const core::MessageView* message, const std::string& procid, F&& extra);
    void connection_gone(std::string_view name);
    // Object specs (spec_methods.cpp): runs `act` once the caller's credentials are known, with the
    // open spec store; a Failure it throws is the call's error.
    void with_specs(const MethodCall& c,
                    std::function<void(const Connection& who, store::SpecStore& specs, const MessageRef& call)> act);
    void launch_ended(const launch::LaunchInfo& launch, const std::string& reason);

    // The bus and the peers.
    static int on_name_owner_changed(sd_bus_message* m, void* userdata, sd_bus_error* error);
    void peer_accepted(int fd, const ucred& cred);
    // A peer's connection before its socket: a new sd-bus with the call filter. Throws Failure.
    std::unique_ptr<Peer> new_peer();
    std::size_t authenticated_peers() const;
    static int on_peer_io(sd_event_source* source, int fd, std::uint32_t revents, void* userdata);
    // Waits on the peer's socket for what sd-bus needs now (reading; writing while output waits).
    void watch(Peer& peer);
    // The peer had a turn that began at `began`: its next comes after those of peers that used the
    // broker less lately. `light`: it read what the peer had sent, and nothing more waited;
    // `flooding`: more waited, and the turn was cut short for others (the peer rests).
    void served(Peer& peer, std::uint64_t began, bool light, bool flooding);
    // A flooder is not read until `until` (FloodRests).
    void rest(Peer& peer, std::uint64_t until);
    static int on_rests_over(sd_event_source* source, std::uint64_t usec, void* userdata);
    // The bus connection, which all bus clients share, is one more user of the broker: a message
    // read from it is its turn. Peers lighter than it share its priority, heavier ones come after.
    static int on_bus_message(sd_bus_message* m, void* userdata, sd_bus_error* error);
    void set_priority(Peer& peer);
    static int on_peer_disconnected(sd_bus_message* m, void* userdata, sd_bus_error* error);
    static int on_reap_peers(sd_event_source* source, void* userdata);
    static int on_peers_starting(sd_event_source* source, void* userdata);
    static void drain_handshake_leftover(sd_bus* bus);
    static int on_handshake_timeout(sd_event_source* source, std::uint64_t usec, void* userdata);
    // The broker ends a peer connection: no more is sent to it, and it dies as if it had hung up at
    // the next reap, outside any dispatch.
    void close_peer(Peer& peer, std::string why);
    // A message of about `bytes` was sent on `bus` (`r`: what sending it returned): a peer's
    // backlog grows, and a peer over a bound of the backlog is closed; a peer's socket is watched
    // for writing while the message waits; a peer whose connection the sending found ended dies.
    void sent_to(sd_bus* bus, int r, std::size_t bytes);

    sd_bus* bus_;
    sd_event* event_;
    bool holding_ = false;
    std::unordered_map<sd_bus*, HeldFor> held_;  // by peer connection
    ServiceOptions options_;
    core::Engine engine_;
    Connections connections_;
    std::unique_ptr<launch::Launcher> launcher_;
    // Opened when first needed (the queue store at start when its file exists: it holds messages).
    store::OpenedOnUse<store::QueueStore> store_;
    store::OpenedOnUse<store::SpecStore> specs_;
    store::SpecLookupOnUse spec_lookup_{specs_};
    std::vector<SlotPtr> bus_slots_;  // the objects on the bus and the NameOwnerChanged match
    std::unique_ptr<PeerListener> listener_;
    std::unordered_map<sd_bus*, std::unique_ptr<Peer>> peers_;
    SourcePtr reap_peers_;  // ends the connections of peers that hung up, outside their own dispatch
    SourcePtr starting_peers_;  // processes peers that just authenticated (on while there are any)
    RecentUse bus_use_;
    int bus_level_ = 0;
    FloodRests flood_rests_;
    SourcePtr rests_over_;  // armed only while a flooder rests: when the first rest ends

    std::size_t backlog_total_ = 0;  // the bytes of every peer's backlog
    std::unique_ptr<RefusalLog> refusals_;
    sd_id128_t server_id_{};
    std::uint64_t next_peer_ = 1;
    std::string default_session_;
    std::uint64_t next_session_ = 1;
};

}  // namespace ttbus::dbus
