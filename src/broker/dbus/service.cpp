#include "service.h"

#include "errors.h"
#include "log.h"

#include "launch/fork_launcher.h"
#include "launch/systemd_launcher.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <unistd.h>

namespace ttbus::dbus {

namespace {

constexpr const char* object_path = "/org/ttbus/Broker1";
constexpr const char* broker_interface = "org.ttbus.Broker1";
constexpr const char* procid_interface = "org.ttbus.Procid1";
constexpr const char* monitor_interface = "org.ttbus.Monitor1";
constexpr const char* peer_address_variable = "TTBUS_PEER_ADDRESS";

// The effective uid and gid of a process, from /proc (classic ToolTalk stamped effective ids).
bool effective_ids(std::uint32_t pid, std::uint32_t& uid, std::uint32_t& gid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    bool have_uid = false, have_gid = false;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string key;
        std::uint32_t real = 0, effective = 0;
        fields >> key >> real >> effective;
        if (!fields) continue;
        if (key == "Uid:") uid = effective, have_uid = true;
        if (key == "Gid:") gid = effective, have_gid = true;
    }
    return have_uid && have_gid;
}

bool is_final(core::State s) {
    return s == core::State::HANDLED || s == core::State::FAILED || s == core::State::RETURNED;
}

// A client-chosen message id is "<token> <procid>": the sending procid after a token, so that ids
// of different procids never collide. libtt numbers its messages as classic libtt did ("<n> <procid>",
// the broker's own form too): the engine's numbering steps over live ids.
bool client_id(const std::string& id, const std::string& procid) {
    const std::size_t space = id.find(' ');
    return space != std::string::npos && space > 0 && id.compare(space + 1, std::string::npos, procid) == 0;
}

void check_client_id(const std::string& id, const std::string& procid) {
    if (id.empty()) return;  // none: the broker makes one
    if (!client_id(id, procid)) {
        throw Failure(core::Status::ERR_INVALID, "message id '" + id + "' is not '<token> " + procid + "'");
    }
}

std::string text_of(const sd_bus_error* e) {
    return std::string(e->name ? e->name : "error") + ": " + (e->message ? e->message : "");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Set-up

Service::Service(sd_bus* bus, sd_event* event, ServiceOptions options)
    : bus_(bus),
      event_(event),
      options_(std::move(options)),
      engine_(core::EngineOptions{options_.session_prefix + "p", options_.session_prefix + "t"}) {
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
    if (!options_.queue_store.empty()) {
        std::string error;
        std::optional<store::Salvage> salvaged;
        store_ = store::QueueStore::open(options_.queue_store, &error, &salvaged);
        if (!store_) log::warning("queued messages will not survive a restart: " + error);
        if (salvaged) {
            log::error("the queue database " + options_.queue_store + " is damaged (" + salvaged->damage + "): " +
                      std::to_string(salvaged->recovered) + " queued messages recovered, " +
                      (salvaged->lost ? std::to_string(*salvaged->lost) : std::string("an unknown number of")) +
                      " lost; the damaged file is kept as " + salvaged->moved_to);
        }
    }
    if (store_) {
        std::vector<std::string> problems;
        std::size_t restored = 0;
        for (const auto& q : store_->load(&problems)) {
            core::Status s = engine_.queue_restore(q);
            if (s == core::Status::OK) {
                ++restored;
            } else {
                problems.push_back("queued message " + q.message->id + ": " + std::string(core::status_name(s)));
                store_->remove(core::Dequeued{q.queue, q.ptype, q.message->id}, nullptr);
            }
        }
        for (const auto& p : problems) log::warning(p);
        if (restored > 0) log::info("restored " + std::to_string(restored) + " queued messages from " + options_.queue_store);
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
    if (options_.peer_directory.empty()) {
        log::notice("XDG_RUNTIME_DIR is not set: no peer-to-peer transport, clients use the bus");
    } else {
        sd_id128_randomize(&server_id_);
        std::string error;
        listener_ = PeerListener::open(
            event_, options_.peer_directory, static_cast<uid_t>(options_.broker_uid),
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

template <int (Service::*Method)(sd_bus_message*)>
int Service::method(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto* self = static_cast<Service*>(userdata);
    try {
        return (self->*Method)(m);
    } catch (const Failure& f) {
        // A failing one-way Send has told its sender already, or logged why it could not.
        if constexpr (Method != &Service::Send) {
            if (!sd_bus_message_get_expect_reply(m)) {
                log::notice(std::string("one-way ") + sd_bus_message_get_member(m) + " from " +
                    std::string(self->caller(m).name) + " failed: " + error_message(f.status, f.what()));
            }
        }
        return set_error(error, f);
    } catch (const std::bad_alloc&) {
        return -ENOMEM;
    } catch (const std::exception& e) {
        return set_error(error, Failure(core::Status::ERR_INTERNAL, e.what()));
    }
}

// The same objects on the bus and on every peer connection. The vtables are the introspection
// data too: tests/integration/test_introspection.py checks them against org.ttbus.Broker1.xml.
void Service::register_objects(sd_bus* bus, std::vector<SlotPtr>& slots) {
    constexpr std::uint64_t any = SD_BUS_VTABLE_UNPRIVILEGED;
    static const sd_bus_vtable broker[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_NAMES("Open", "a{sv}", SD_BUS_PARAM(options), "ss",
                                 SD_BUS_PARAM(procid) SD_BUS_PARAM(session), &method<&Service::Open>, any),
        SD_BUS_METHOD_WITH_NAMES("Close", "s", SD_BUS_PARAM(procid), "", "", &method<&Service::Close>, any),
        SD_BUS_METHOD_WITH_NAMES("DefaultSession", "", "", "s", SD_BUS_PARAM(session),
                                 &method<&Service::DefaultSession>, any),
        SD_BUS_METHOD_WITH_NAMES("CreateSession", "", "", "s", SD_BUS_PARAM(session),
                                 &method<&Service::CreateSession>, any),
        SD_BUS_METHOD_WITH_NAMES("Sessions", "", "", "as", SD_BUS_PARAM(sessions), &method<&Service::Sessions>, any),
        SD_BUS_METHOD_WITH_NAMES("SessionProperty", "ss", SD_BUS_PARAM(session) SD_BUS_PARAM(name), "aay",
                                 SD_BUS_PARAM(values), &method<&Service::SessionProperty>, any),
        SD_BUS_METHOD_WITH_NAMES("SetSessionProperty", "ssayu",
                                 SD_BUS_PARAM(session) SD_BUS_PARAM(name) SD_BUS_PARAM(value) SD_BUS_PARAM(mode), "",
                                 "", &method<&Service::SetSessionProperty>, any),
        SD_BUS_METHOD_WITH_NAMES("SessionPropertyNames", "s", SD_BUS_PARAM(session), "as", SD_BUS_PARAM(names),
                                 &method<&Service::SessionPropertyNames>, any),
        SD_BUS_METHOD_WITH_NAMES("ReloadTypes", "", "", "uu", SD_BUS_PARAM(ptypes) SD_BUS_PARAM(otypes),
                                 &method<&Service::ReloadTypes>, any),
        SD_BUS_METHOD_WITH_NAMES("LoadTypes", "ay", SD_BUS_PARAM(xdr), "", "", &method<&Service::LoadTypes>, any),
        SD_BUS_METHOD_WITH_NAMES("PtypeExists", "s", SD_BUS_PARAM(ptype), "", "", &method<&Service::PtypeExists>, any),
        SD_BUS_METHOD_WITH_NAMES("Ptypes", "", "", "as", SD_BUS_PARAM(ptypes), &method<&Service::Ptypes>, any),
        SD_BUS_METHOD_WITH_NAMES("Otype", "s", SD_BUS_PARAM(otype), "a{sv}", SD_BUS_PARAM(info),
                                 &method<&Service::Otype>, any),
        SD_BUS_METHOD_WITH_NAMES("ProcidInfo", "s", SD_BUS_PARAM(procid), "a{sv}", SD_BUS_PARAM(info),
                                 &method<&Service::ProcidInfo>, any),
        SD_BUS_METHOD_WITH_NAMES("Status", "", "", "a{sv}", SD_BUS_PARAM(status), &method<&Service::Status>, any),
        SD_BUS_METHOD_WITH_NAMES("Procids", "", "", "aa{sv}", SD_BUS_PARAM(procids), &method<&Service::Procids>, any),
        SD_BUS_METHOD_WITH_NAMES("Patterns", "", "", "aa{sv}", SD_BUS_PARAM(patterns), &method<&Service::Patterns>,
                                 any),
        SD_BUS_METHOD_WITH_NAMES("Queue", "", "", "aa{sv}", SD_BUS_PARAM(messages), &method<&Service::Queue>, any),
        SD_BUS_METHOD_WITH_NAMES("Launches", "", "", "aa{sv}", SD_BUS_PARAM(launches), &method<&Service::Launches>,
                                 any),
        SD_BUS_METHOD_WITH_NAMES("Call", "a{sv}", SD_BUS_PARAM(message), "a{sv}", SD_BUS_PARAM(reply),
                                 &method<&Service::Call>, any),
        SD_BUS_METHOD_WITH_NAMES("Notify", "a{sv}", SD_BUS_PARAM(message), "s", SD_BUS_PARAM(id),
                                 &method<&Service::Notify>, any),
        SD_BUS_METHOD_WITH_NAMES("PeerAddress", "", "", "s", SD_BUS_PARAM(address), &method<&Service::PeerAddress>,
                                 any),
        SD_BUS_VTABLE_END,
    };
    static const sd_bus_vtable procid[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_NAMES("SessionJoin", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(session), "", "",
                                 &method<&Service::SessionJoin>, any),
        SD_BUS_METHOD_WITH_NAMES("SessionQuit", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(session), "", "",
                                 &method<&Service::SessionQuit>, any),
        SD_BUS_METHOD_WITH_NAMES("FileJoin", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(file), "", "",
                                 &method<&Service::FileJoin>, any),
        SD_BUS_METHOD_WITH_NAMES("FileQuit", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(file), "", "",
                                 &method<&Service::FileQuit>, any),
        SD_BUS_METHOD_WITH_NAMES("PtypeDeclare", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(ptype), "", "",
                                 &method<&Service::PtypeDeclare>, any),
        SD_BUS_METHOD_WITH_NAMES("PtypeUndeclare", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(ptype), "", "",
                                 &method<&Service::PtypeUndeclare>, any),
        SD_BUS_METHOD_WITH_NAMES("DefaultPtypeSet", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(ptype), "", "",
                                 &method<&Service::DefaultPtypeSet>, any),
        SD_BUS_METHOD_WITH_NAMES("PatternRegister", "sa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(pattern), "t",
                                 SD_BUS_PARAM(id), &method<&Service::PatternRegister>, any),
        SD_BUS_METHOD_WITH_NAMES("PatternUnregister", "st", SD_BUS_PARAM(procid) SD_BUS_PARAM(id), "", "",
                                 &method<&Service::PatternUnregister>, any),
        SD_BUS_METHOD_WITH_NAMES("ContextJoin", "ss(uiay)", SD_BUS_PARAM(procid) SD_BUS_PARAM(slot) SD_BUS_PARAM(value),
                                 "", "", &method<&Service::ContextJoin>, any),
        SD_BUS_METHOD_WITH_NAMES("ContextQuit", "ss(uiay)", SD_BUS_PARAM(procid) SD_BUS_PARAM(slot) SD_BUS_PARAM(value),
                                 "", "", &method<&Service::ContextQuit>, any),
        SD_BUS_METHOD_WITH_NAMES("Send", "sa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(message), "s", SD_BUS_PARAM(id),
                                 &method<&Service::Send>, any),
        SD_BUS_METHOD_WITH_NAMES("SendOnExit", "sa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(message), "", "",
                                 &method<&Service::SendOnExit>, any),
        SD_BUS_METHOD_WITH_NAMES("Reply", "ssa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(id) SD_BUS_PARAM(answer), "", "",
                                 &method<&Service::Reply>, any),
        SD_BUS_METHOD_WITH_NAMES("Fail", "ssa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(id) SD_BUS_PARAM(answer), "", "",
                                 &method<&Service::Fail>, any),
        SD_BUS_METHOD_WITH_NAMES("Reject", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(id), "", "",
                                 &method<&Service::Reject>, any),
        SD_BUS_METHOD_WITH_NAMES("Accept", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(id), "", "",
                                 &method<&Service::Accept>, any),
        SD_BUS_METHOD_WITH_NAMES("Abstain", "ss", SD_BUS_PARAM(procid) SD_BUS_PARAM(id), "", "",
                                 &method<&Service::Abstain>, any),
        SD_BUS_SIGNAL_WITH_NAMES("Delivered", "sa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(message), 0),
        SD_BUS_SIGNAL_WITH_NAMES("Updated", "sa{sv}", SD_BUS_PARAM(procid) SD_BUS_PARAM(message), 0),
        SD_BUS_VTABLE_END,
    };
    static const sd_bus_vtable monitor[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_NAMES("Subscribe", "a{sv}", SD_BUS_PARAM(filter), "", "", &method<&Service::Subscribe>, any),
        SD_BUS_METHOD_WITH_NAMES("Unsubscribe", "", "", "", "", &method<&Service::Unsubscribe>, any),
        SD_BUS_SIGNAL_WITH_NAMES("Event", "sa{sv}", SD_BUS_PARAM(kind) SD_BUS_PARAM(details), 0),
        SD_BUS_VTABLE_END,
    };
    const std::pair<const char*, const sd_bus_vtable*> objects[] = {
        {broker_interface, broker}, {procid_interface, procid}, {monitor_interface, monitor}};
    for (const auto& [interface, vtable] : objects) {
        sd_bus_slot* slot = nullptr;
        int r = sd_bus_add_object_vtable(bus, &slot, object_path, interface, vtable, this);
        if (r < 0) bus_failure(r, interface);
        slots.emplace_back(slot);
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

void Service::check(core::Status s, const std::string& what) {
    if (s != core::Status::OK && core::is_error(s)) throw Failure(s, what);
}

template <typename F>
int Service::reply(sd_bus_message* call, F&& write) {
    // A one-way call gets no reply: nothing is built.
    if (!sd_bus_message_get_expect_reply(call)) return 1;
    sd_bus_message* raw = nullptr;
    check_bus(sd_bus_message_new_method_return(call, &raw), "reply");
    MessagePtr out(raw);
    Writer w(raw);
    write(w);
    int r = sd_bus_send(nullptr, raw, nullptr);
    return r < 0 ? r : 1;
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
    sd_bus_error e{};
    set_error(&e, f);
    sd_bus_reply_method_error(call, &e);
    sd_bus_error_free(&e);
}

namespace {

// GetConnectionCredentials in flight for one connection.
struct PendingCredentials {
    Service* service;
    std::string name;
};

}  // namespace

void Service::with_credentials(const Caller& who, CredentialsReady then) {
    Connection& c = connections_.get(who.name);
    if (c.credentials_known) {
        then(&c, nullptr);
        return;
    }
    c.awaiting_credentials.push_back(std::move(then));
    if (c.awaiting_credentials.size() > 1) return;  // already asked
    // Asked asynchronously: the event loop never waits on the bus.
    auto pending = std::make_unique<PendingCredentials>(PendingCredentials{this, c.name});
    sd_bus_slot* slot = nullptr;
    int r = sd_bus_call_method_async(bus_, &slot, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "GetConnectionCredentials", on_credentials,
                                     pending.get(), "s", c.name.c_str());
    if (r < 0) {
        auto waiting = std::move(c.awaiting_credentials);
        c.awaiting_credentials.clear();
        sd_bus_error e{};
        sd_bus_error_set_errno(&e, r);
        for (auto& w : waiting) w(nullptr, &e);
        sd_bus_error_free(&e);
        return;
    }
    // The bus owns the call; the pending record goes with it.
    sd_bus_slot_set_destroy_callback(slot, [](void* p) { delete static_cast<PendingCredentials*>(p); });
    sd_bus_slot_set_floating(slot, 1);
    sd_bus_slot_unref(slot);
    pending.release();
}

int Service::on_credentials(sd_bus_message* reply, void* userdata, sd_bus_error*) {
    auto* p = static_cast<PendingCredentials*>(userdata);
    try {
        p->service->credentials_arrived(p->name, reply);
    } catch (const std::exception& e) {
        log::warning(std::string("credentials of ") + p->name + ": " + e.what());
    }
    return 0;
}

void Service::credentials_arrived(const std::string& name, sd_bus_message* reply) {
    Connection* conn = connections_.find(name);
    if (conn == nullptr) return;  // gone meanwhile
    auto waiting = std::move(conn->awaiting_credentials);
    conn->awaiting_credentials.clear();
    const sd_bus_error* error = sd_bus_message_get_error(reply);
    sd_bus_error unreadable{};
    if (error == nullptr) {
        std::uint32_t uid = 0, pid = 0, gid = 0;
        bool ok = sd_bus_message_enter_container(reply, 'a', "{sv}") > 0;
        while (ok) {
            int r = sd_bus_message_enter_container(reply, 'e', "sv");
            if (r <= 0) {
                ok = r == 0;
                break;
            }
            const char* key = nullptr;
            ok = sd_bus_message_read_basic(reply, 's', &key) > 0;
            if (ok && std::strcmp(key, "UnixUserID") == 0) {
                ok = sd_bus_message_read(reply, "v", "u", &uid) >= 0;
            } else if (ok && std::strcmp(key, "ProcessID") == 0) {
                ok = sd_bus_message_read(reply, "v", "u", &pid) >= 0;
            } else if (ok && std::strcmp(key, "UnixGroupIDs") == 0) {
                const void* groups = nullptr;
                std::size_t size = 0;
                ok = sd_bus_message_enter_container(reply, 'v', "au") > 0 &&
                     sd_bus_message_read_array(reply, 'u', &groups, &size) >= 0 &&
                     sd_bus_message_exit_container(reply) >= 0;
                if (ok && size >= sizeof(std::uint32_t)) gid = *static_cast<const std::uint32_t*>(groups);
            } else if (ok) {
                ok = sd_bus_message_skip(reply, "v") >= 0;
            }
            ok = ok && sd_bus_message_exit_container(reply) >= 0;
        }
        if (ok) {
            conn->uid = uid;
            conn->gid = gid;
            if (pid != 0) effective_ids(pid, conn->uid, conn->gid);
            conn->credentials_known = true;
        } else {
            unreadable.name = "org.ttbus.Error.Internal";
            unreadable.message = "1051 TT_ERR_INTERNAL: the bus's credentials of the caller are unreadable";
            error = &unreadable;
        }
    }
    for (auto& then : waiting) then(error == nullptr ? conn : nullptr, error);
}

std::string Service::open_procid(Connection& c, const std::string& session, const std::string& token) {
    if (c.procids.size() >= max_procids) {
        throw Failure(core::Status::ERR_OVERFLOW, "a connection may open " + std::to_string(max_procids) + " procids");
    }
    core::Effects fx;
    std::string procid;
    check(engine_.open({session, c.uid, c.gid, token}, fx, &procid), "session " + session);
    connections_.own(procid, c);
    apply(fx);
    return procid;
}

// Every send goes through here: limits, the engine, the monitor, then the effects. `before_effects`
// runs once the id is known and before any effect is carried out (a one-call request must be
// waiting for its reply before the reply can be applied). The message is taken when it is sent,
// and left as it was when the send fails.
std::string Service::send_checked(Connection& c, const std::string& procid, core::Message& m,
                                  const std::function<void(const std::string&)>& before_effects) {
    check_client_id(m.body.id, procid);
    if (c.outstanding.size() >= max_outstanding) {
        throw Failure(core::Status::ERR_OVERFLOW, std::to_string(max_outstanding) + " messages are already in flight");
    }
    if (c.queued.size() >= max_queued) {
        throw Failure(core::Status::ERR_OVERFLOW, std::to_string(max_queued) + " messages are already queued");
    }
    std::optional<core::Message> watched;
    if (connections_.monitors() > 0) watched = m;
    const core::Class cls = m.body.cls;
    core::Effects fx;
    std::string id;
    check(engine_.send(procid, std::move(m), fx, &id), "send");
    if (cls != core::Class::NOTICE) c.outstanding.insert(id);
    if (watched) {
        auto body = std::make_shared<core::MessageBody>(std::move(watched->body));
        body->id = id;
        body->sender = procid;
        core::MessageView sent{std::move(body), watched->header};
        sent.header.state = core::State::SENT;
        monitor_event("sent", &sent, procid, [](Writer&) {});
    }
    if (before_effects) before_effects(id);
    apply(fx);
    return id;
}

// A one-way Send failed. Its sender may be waiting for the message it chose the id of: when the
// procid is the caller's and the message was read (as far as its id and class, a message over a
// size limit included), a request or offer with a client id comes back as an Updated in state
// TT_FAILED with the error's status. Anything else can only be logged.
void Service::one_way_send_failed(Connection* owner, const std::string& procid, const core::Message* m,
                                  const Failure& f) {
    if (owner == nullptr || m == nullptr || !client_id(m->body.id, procid) ||
        (m->body.cls != core::Class::REQUEST && m->body.cls != core::Class::OFFER)) {
        log::notice("one-way Send from " + (owner ? owner->name : std::string("a client")) + " for " + procid +
            " failed: " + error_message(f.status, f.what()), {.procid = procid});
        return;
    }
    auto body = std::make_shared<core::MessageBody>(m->body);
    body->sender = procid;
    body->uid = owner->uid;
    body->gid = owner->gid;
    core::MessageView failed{std::move(body), m->header};
    failed.header.state = core::State::FAILED;
    failed.header.status = f.status;
    monitor_event("updated", &failed, procid, [](Writer&) {});
    emit(*owner, procid_interface, "Updated", [&](Writer& w) {
        w.string(procid);
        write_message(w, failed, nullptr, Defaults::omit);
    });
}

// ---------------------------------------------------------------------------------------------
// Effects

template <typename F>
void Service::emit(const Connection& c, const char* interface, const char* member, F&& write) {
    sd_bus* target = c.peer ? c.peer : bus_;
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_signal(target, &raw, object_path, interface, member);
    if (r < 0) {
        log::error(std::string("cannot make a ") + member + " signal for " + c.name + ": " + std::strerror(-r));
        return;
    }
    MessagePtr signal(raw);
    try {
        if (c.peer == nullptr) check_bus(sd_bus_message_set_destination(raw, c.name.c_str()), "destination");
        Writer w(raw);
        write(w);
    } catch (const Failure& f) {
        log::error(std::string("cannot write a ") + member + " signal for " + c.name + ": " + f.what());
        return;
    }
    r = sd_bus_send(target, raw, nullptr);
    if (r < 0 && r != -ENOTCONN && r != -ECONNRESET) {
        log::warning(std::string("cannot send a ") + member + " signal to " + c.name + ": " + std::strerror(-r));
    }
}

void Service::apply(core::Effects& fx) {
    for (std::size_t i = 0; i < fx.size(); ++i) {
        core::Effect effect = std::move(fx[i]);
        if (auto* d = std::get_if<core::Delivery>(&effect)) {
            Connection* c = connections_.owner(d->procid);
            if (c == nullptr) continue;
            monitor_event("delivered", &d->message, d->procid,
                          [&](Writer& w) { w.entry("delivery", static_cast<std::uint32_t>(d->kind)); });
            if (d->procid == c->call_procid) continue;  // the one-call procid handles nothing
            const DeliveryKeys keys{d->pattern, static_cast<std::uint32_t>(d->kind), d->start_message};
            emit(*c, procid_interface, "Delivered", [&](Writer& w) {
                w.string(d->procid);
                write_message(w, d->message, &keys, Defaults::omit);
            });
        } else if (auto* u = std::get_if<core::Update>(&effect)) {
            Connection* c = connections_.owner(u->procid);
            if (c == nullptr) continue;
            monitor_event("updated", &u->message, u->procid, [](Writer&) {});
            const bool final = is_final(u->message.header.state);
            if (final) c->outstanding.erase(u->message->id);
            if (u->procid == c->call_procid) {
                auto call = c->calls.find(u->message->id);
                if (!final || call == c->calls.end()) continue;
                const auto& h = u->message.header;
                if (h.state == core::State::FAILED) {
                    reply_failure(call->second.get(),
                                  Failure(h.status, h.status_string.empty() ? "the request failed" : h.status_string));
                } else {
                    try {
                        reply(call->second.get(), [&](Writer& w) { write_message(w, u->message); });
                    } catch (const Failure& f) {
                        reply_failure(call->second.get(), f);
                    }
                }
                c->calls.erase(call);
                continue;
            }
            emit(*c, procid_interface, "Updated", [&](Writer& w) {
                w.string(u->procid);
                write_message(w, u->message, nullptr, Defaults::omit);
            });
        } else if (auto* s = std::get_if<core::StartPtype>(&effect)) {
            monitor_event("started", nullptr, {}, [&](Writer& w) {
                w.entry("ptype", s->ptype);
                w.entry("token", s->token);
            });
            // The started process may reach the broker straight through its socket; only the
            // broker says where that is (a message's $TTBUS_PEER_ADDRESS context does not).
            auto& env = s->environment;
            env.erase(std::remove_if(env.begin(), env.end(), [](const auto& e) { return e.first == peer_address_variable; }),
                      env.end());
            if (listener_) env.emplace_back(peer_address_variable, listener_->address());
            log::info("starting ptype " + s->ptype + " (token " + s->token + ") with " + launcher_->kind(), {.ptype = s->ptype});
            launcher_->start(*s);
        } else if (auto* q = std::get_if<core::Queued>(&effect)) {
            if (Connection* c = connections_.owner(q->message->sender)) c->queued.insert(q->message->id);
            if (std::string error; store_ && !store_->put(*q, &error)) log::error("cannot keep a queued message: " + error, {.message = q->message->id, .ptype = q->ptype});
            monitor_event("queued", &q->message, q->message->sender, [&](Writer& w) { w.entry("ptype", q->ptype); });
        } else if (auto* dq = std::get_if<core::Dequeued>(&effect)) {
            connections_.for_each([&](Connection& c) { c.queued.erase(dq->message_id); });
            if (std::string error; store_ && !store_->remove(*dq, &error)) log::error("cannot forget a queued message: " + error, {.message = dq->message_id, .ptype = dq->ptype});
            monitor_event("dequeued", nullptr, {}, [&](Writer& w) {
                w.entry("id", dq->message_id);
                w.entry("ptype", dq->ptype);
            });
        }
    }
    fx.clear();
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
            if (!procid.empty()) w.entry("procid", procid);
            w.close();
        });
    }
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

std::pair<std::uint32_t, std::uint32_t> Service::reload_types() {
    std::string problems;
    auto types = options_.load_types ? options_.load_types(problems) : core::TypeDb::build({}, {});
    if (!problems.empty()) log::warning(problems);
    engine_.set_types(types);
    return {static_cast<std::uint32_t>(engine_.types().ptypes().size()),
            static_cast<std::uint32_t>(engine_.types().otypes().size())};
}

void Service::reap_children() { launcher_->reap(); }

// A launch is over: it never started, or its process exited. The engine fails what still waited
// for it (and ignores it when the started process already took its start message).
void Service::launch_ended(const launch::LaunchInfo& launch, const std::string& reason) {
    core::Effects fx;
    if (engine_.launch_ended(launch.token, fx) == core::Status::OK && !fx.empty()) {
        log::warning("ptype " + launch.ptype + " (token " + launch.token + ") ended before its start message was taken: " + reason, {.ptype = launch.ptype, .unit = launch.unit, .message_id = log::ptype_start_failed});
    }
    apply(fx);
}

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

// ---------------------------------------------------------------------------------------------
// org.ttbus.Broker1

int Service::Open(sd_bus_message* m) {
    std::string values[2] = {default_session_, ""};
    read_string_options(m, {"session", "token"}, values);
    MessageRef call(m);
    with_credentials(caller(m), [this, call, session = values[0], token = values[1]](Connection* conn,
                                                                                    const sd_bus_error* error) {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            std::string procid = open_procid(*conn, session, token);
            reply(call.get(), [&](Writer& w) {
                w.string(procid);
                w.string(session);
            });
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
    return 1;
}

int Service::Close(sd_bus_message* m) {
    const char* procid = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    const std::string id(procid);
    check(engine_.close(id, core::CloseReason::CLOSED, fx), "close");
    connections_.disown(id);
    apply(fx);
    return reply_empty(m);
}

int Service::DefaultSession(sd_bus_message* m) {
    return reply(m, [&](Writer& w) { w.string(default_session_); });
}

int Service::CreateSession(sd_bus_message* m) {
    std::string session = options_.session_prefix + std::to_string(next_session_++);
    check(engine_.session_create(session), "create session");
    connections_.get(caller(m).name).sessions.push_back(session);
    return reply(m, [&](Writer& w) { w.string(session); });
}

int Service::Sessions(sd_bus_message* m) {
    return reply(m, [&](Writer& w) { w.strings(engine_.sessions()); });
}

int Service::SessionProperty(sd_bus_message* m) {
    const std::string session = read_string(m);
    const std::string name = read_string(m);
    std::vector<std::string> values;
    check(engine_.session_prop(session, name, &values), "session property " + name);
    return reply(m, [&](Writer& w) {
        w.open('a', "ay");
        for (const auto& v : values) w.bytes(v);
        w.close();
    });
}

int Service::SetSessionProperty(sd_bus_message* m) {
    const std::string session = read_string(m);
    const std::string name = read_string(m);
    const std::string value(read_bytes(m));
    const std::uint32_t mode = read_uint32(m);
    if (mode > 1) throw Failure(core::Status::ERR_INVALID, "mode is 0 (set) or 1 (add)");
    check(engine_.session_prop_set(session, name, value, mode == 1), "session property " + name);
    return reply_empty(m);
}

int Service::SessionPropertyNames(sd_bus_message* m) {
    const std::string session = read_string(m);
    std::vector<std::string> names;
    check(engine_.session_prop_names(session, &names), "session " + session);
    return reply(m, [&](Writer& w) { w.strings(names); });
}

int Service::ReloadTypes(sd_bus_message* m) {
    auto [p, o] = reload_types();
    return reply(m, [&](Writer& w) {
        w.uint32(p);
        w.uint32(o);
    });
}

int Service::LoadTypes(sd_bus_message* m) {
    const std::string xdr(read_bytes(m));
    if (!options_.merge_xdr) throw Failure(core::Status::ERR_UNIMP, "no type loader");
    std::shared_ptr<const core::TypeDb> types = engine_.types_snapshot();
    std::string error = options_.merge_xdr(xdr, types);
    if (!error.empty()) throw Failure(core::Status::ERR_XDR, error);
    engine_.set_types(types);
    return reply_empty(m);
}

int Service::PtypeExists(sd_bus_message* m) {
    const std::string ptype = read_string(m);
    check(engine_.ptype_exists(ptype), "no ptype " + ptype);
    return reply_empty(m);
}

int Service::Ptypes(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "s");
        for (const auto& p : engine_.types().ptypes()) w.string(p.id);
        w.close();
    });
}

int Service::Otype(sd_bus_message* m) {
    const std::string otype = read_string(m);
    const core::TypeDb& types = engine_.types();
    const core::Otype* o = types.find_otype(otype);
    if (o == nullptr) throw Failure(core::Status::ERR_OTYPE, "no otype " + otype);
    std::vector<std::string> derived;
    for (const auto& other : types.otypes()) {
        auto anc = types.ancestors(other.id);
        if (std::find(anc.begin(), anc.end(), otype) != anc.end()) derived.push_back(other.id);
    }
    auto signatures = [&](Writer& w, bool observe) {
        w.open('a', "(sa(is))");
        for (const auto& s : o->signatures) {
            if ((s.category == core::Category::OBSERVE) != observe) continue;
            w.open('r', "sa(is)");
            w.string(s.op);
            w.open('a', "(is)");
            for (const auto& a : s.args) {
                w.open('r', "is");
                w.int32(static_cast<std::int32_t>(a.mode));
                w.string(a.vtype);
                w.close();
            }
            w.close();
            w.close();
        }
        w.close();
    };
    return reply(m, [&](Writer& w) {
        w.open('a', "{sv}");
        w.entry("ancestors", types.ancestors(otype));
        w.entry("parents", o->parents);
        w.entry("derived", derived);
        w.entry_with("handle", "a(sa(is))", [&] { signatures(w, false); });
        w.entry_with("observe", "a(sa(is))", [&] { signatures(w, true); });
        w.close();
    });
}

namespace {

void write_procid_info(Writer& w, const core::ProcidInfo& info, const Connection* owner) {
    w.open('a', "{sv}");
    w.entry("procid", info.id);
    w.entry("session", info.session);
    w.entry("sessions", info.sessions);
    w.entry("files", info.files);
    w.entry("ptypes", info.ptypes);
    w.entry("patterns", info.patterns);
    w.entry("default_ptype", info.default_ptype);
    w.entry("uid", info.uid);
    w.entry("gid", info.gid);
    w.entry("owner", owner ? owner->name : std::string());
    w.close();
}

}  // namespace

int Service::ProcidInfo(sd_bus_message* m) {
    const std::string procid = read_string(m);
    auto info = engine_.procid_info(procid);
    if (!info) throw Failure(core::Status::ERR_PROCID, "no procid " + procid);
    return reply(m, [&](Writer& w) { write_procid_info(w, *info, connections_.owner(procid)); });
}

int Service::Status(sd_bus_message* m) {
    std::size_t patterns = 0;
    for (const auto& id : engine_.procids()) patterns += engine_.procid_info(id)->patterns.size();
    auto count = [](std::size_t n) { return static_cast<std::uint32_t>(n); };
    return reply(m, [&](Writer& w) {
        w.open('a', "{sv}");
        w.entry("version", options_.version);
        w.entry("procids", count(engine_.procids().size()));
        w.entry("patterns", count(patterns));
        w.entry("live_messages", count(engine_.live_message_count()));
        w.entry("queued", count(engine_.queued_count()));
        w.entry("sessions", count(engine_.sessions().size()));
        w.entry("ptypes", count(engine_.types().ptypes().size()));
        w.entry("otypes", count(engine_.types().otypes().size()));
        w.entry("default_session", default_session_);
        w.entry("launches", count(launcher_->launches().size()));
        w.entry("launcher", launcher_->kind());
        w.close();
    });
}

int Service::Procids(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& id : engine_.procids()) write_procid_info(w, *engine_.procid_info(id), connections_.owner(id));
        w.close();
    });
}

int Service::Patterns(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& procid : engine_.procids()) {
            const auto info = engine_.procid_info(procid);
            for (core::PatternId id : info->patterns) {
                w.open('a', "{sv}");
                write_pattern_entries(w, *engine_.pattern(id));
                w.entry("id", id);
                w.entry("procid", procid);
                w.entry("ptype", engine_.pattern_ptype(id));
                w.close();
            }
        }
        w.close();
    });
}

int Service::Queue(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& q : engine_.queued()) {
            w.open('a', "{sv}");
            write_message_entries(w, q.message);
            w.entry("queue_scope", static_cast<std::int32_t>(q.queue.scope));
            w.entry("queue", q.queue.name);
            w.entry("queue_ptype", q.ptype);
            w.close();
        }
        w.close();
    });
}

int Service::Launches(sd_bus_message* m) {
    return reply(m, [&](Writer& w) {
        w.open('a', "a{sv}");
        for (const auto& l : launcher_->launches()) {
            w.open('a', "{sv}");
            w.entry("token", l.token);
            w.entry("ptype", l.ptype);
            w.entry("unit", l.unit);
            w.entry("state", l.state);
            w.entry("pid", static_cast<std::uint32_t>(l.pid));
            w.close();
        }
        w.close();
    });
}

// The one-call forms: the message was read over what a shell user leaves out (class, address
// procedure, scope session); it is sent from the procid the broker keeps for the connection.
std::string Service::one_call(Connection& conn, core::Message& m, core::Class cls,
                              const std::function<void(const std::string&)>& before_effects) {
    if (m.body.op.empty()) throw Failure(core::Status::ERR_OP, "a one-call message needs an op");
    if (m.body.cls != cls) {
        throw Failure(core::Status::ERR_CLASS, cls == core::Class::REQUEST ? "Call sends requests" : "Notify sends notices");
    }
    if (conn.call_procid.empty()) conn.call_procid = open_procid(conn, default_session_, "");
    const std::string procid = conn.call_procid;
    return send_checked(conn, procid, m, before_effects);
}

namespace {

core::Message one_call_message(sd_bus_message* m, core::Class cls) {
    core::Message msg;
    msg.body.cls = cls;
    msg.body.address = core::Address::PROCEDURE;
    msg.header.scope = core::Scope::SESSION;
    read_message(m, msg);
    return msg;
}

}  // namespace

int Service::Call(sd_bus_message* m) {
    MessageRef call(m);
    with_credentials(caller(m), [this, call, msg = one_call_message(m, core::Class::REQUEST)](
                                    Connection* conn, const sd_bus_error* error) mutable {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            one_call(*conn, msg, core::Class::REQUEST, [&](const std::string& id) { conn->calls.emplace(id, call); });
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
    return 1;
}

int Service::Notify(sd_bus_message* m) {
    MessageRef call(m);
    with_credentials(caller(m), [this, call, msg = one_call_message(m, core::Class::NOTICE)](
                                    Connection* conn, const sd_bus_error* error) mutable {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            std::string id = one_call(*conn, msg, core::Class::NOTICE, {});
            reply(call.get(), [&](Writer& w) { w.string(id); });
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
    return 1;
}

int Service::PeerAddress(sd_bus_message* m) {
    if (!listener_) {
        throw Failure(core::Status::ERR_UNIMP, options_.peer_directory.empty()
                                                   ? "no peer-to-peer transport: XDG_RUNTIME_DIR is not set"
                                                   : "no peer-to-peer transport: see the broker's log");
    }
    return reply(m, [&](Writer& w) { w.string(listener_->address()); });
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Procid1: ownership first, then the engine, then its effects.

int Service::SessionJoin(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string session = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check(engine_.session_join(procid, session, fx), "session " + session);
    apply(fx);
    return reply_empty(m);
}

int Service::SessionQuit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string session = read_string(m);
    own(procid, caller(m));
    check(engine_.session_quit(procid, session), "session " + session);
    return reply_empty(m);
}

int Service::FileJoin(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string file = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check(engine_.file_join(procid, file, fx), "file " + file);
    apply(fx);
    return reply_empty(m);
}

int Service::FileQuit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string file = read_string(m);
    own(procid, caller(m));
    check(engine_.file_quit(procid, file), "file " + file);
    return reply_empty(m);
}

int Service::PtypeDeclare(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string ptype = read_string(m);
    Connection& c = own(procid, caller(m));
    std::size_t before = engine_.procid_info(procid)->patterns.size();
    core::Effects fx;
    check(engine_.ptype_declare(procid, ptype, fx), "ptype " + ptype);
    c.patterns += engine_.procid_info(procid)->patterns.size() - before;
    apply(fx);
    return reply_empty(m);
}

int Service::PtypeUndeclare(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string ptype = read_string(m);
    Connection& c = own(procid, caller(m));
    std::size_t before = engine_.procid_info(procid)->patterns.size();
    check(engine_.ptype_undeclare(procid, ptype), "ptype " + ptype);
    c.patterns -= before - engine_.procid_info(procid)->patterns.size();
    return reply_empty(m);
}

int Service::DefaultPtypeSet(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string ptype = read_string(m);
    own(procid, caller(m));
    check(engine_.default_ptype_set(procid, ptype), "ptype " + ptype);
    return reply_empty(m);
}

int Service::PatternRegister(sd_bus_message* m) {
    const std::string procid = read_string(m);
    Connection& c = own(procid, caller(m));
    if (c.patterns >= max_patterns) {
        throw Failure(core::Status::ERR_OVERFLOW, "a connection may register " + std::to_string(max_patterns) + " patterns");
    }
    core::Pattern p;
    read_pattern(m, p);
    core::PatternId id = 0;
    check(engine_.pattern_register(procid, p, &id), "pattern");
    ++c.patterns;
    return reply(m, [&](Writer& w) { w.uint64(id); });
}

int Service::PatternUnregister(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::uint64_t id = read_uint64(m);
    Connection& c = own(procid, caller(m));
    check(engine_.pattern_unregister(procid, id), "pattern " + std::to_string(id));
    --c.patterns;
    return reply_empty(m);
}

int Service::ContextJoin(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string slot = read_string(m);
    own(procid, caller(m));
    core::Value v = read_value(m);
    check(engine_.context_join(procid, slot, v), "context " + slot);
    return reply_empty(m);
}

int Service::ContextQuit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    const std::string slot = read_string(m);
    own(procid, caller(m));
    core::Value v = read_value(m);
    check(engine_.context_quit(procid, slot, v), "context " + slot);
    return reply_empty(m);
}

// The hot path of a sender. One-way (no reply expected) is the same call; only its failure is told
// differently (one_way_send_failed).
int Service::Send(sd_bus_message* m) {
    const std::string procid = read_string(m);
    Connection* owner = nullptr;
    core::Message msg;
    try {
        owner = &own(procid, caller(m));
        read_message(m, msg);
        const std::string id = send_checked(*owner, procid, msg, {});
        return reply(m, [&](Writer& w) { w.string(id); });
    } catch (const Failure& f) {
        if (!sd_bus_message_get_expect_reply(m)) one_way_send_failed(owner, procid, &msg, f);
        throw;
    }
}

int Service::SendOnExit(sd_bus_message* m) {
    const std::string procid = read_string(m);
    own(procid, caller(m));
    core::Message msg;
    read_message(m, msg);
    check_client_id(msg.body.id, procid);
    check(engine_.send_on_exit(procid, msg), "send on exit");
    return reply_empty(m);
}

void Service::answer(sd_bus_message* m,
                     core::Status (core::Engine::*event)(const std::string&, const std::string&, const core::Answer&,
                                                         core::Effects&),
                     const char* what) {
    const std::string procid = read_string(m);
    const std::string id = read_string(m);
    own(procid, caller(m));
    core::Answer a;
    read_answer(m, a);
    core::Effects fx;
    check((engine_.*event)(procid, id, a, fx), std::string(what) + " " + id);
    apply(fx);
}

int Service::Reply(sd_bus_message* m) {
    answer(m, &core::Engine::reply, "reply to");
    return reply_empty(m);
}

int Service::Fail(sd_bus_message* m) {
    answer(m, &core::Engine::fail, "fail");
    return reply_empty(m);
}

void Service::conclude(sd_bus_message* m,
                       core::Status (core::Engine::*event)(const std::string&, const std::string&, core::Effects&),
                       const char* what) {
    const std::string procid = read_string(m);
    const std::string id = read_string(m);
    own(procid, caller(m));
    core::Effects fx;
    check((engine_.*event)(procid, id, fx), std::string(what) + " " + id);
    apply(fx);
}

int Service::Reject(sd_bus_message* m) {
    conclude(m, &core::Engine::reject, "reject");
    return reply_empty(m);
}

int Service::Accept(sd_bus_message* m) {
    conclude(m, &core::Engine::accept, "accept");
    return reply_empty(m);
}

int Service::Abstain(sd_bus_message* m) {
    conclude(m, &core::Engine::abstain, "abstain");
    return reply_empty(m);
}

// ---------------------------------------------------------------------------------------------
// org.ttbus.Monitor1

// The monitor sees every message: only connections of the broker's own user may have one.
int Service::Subscribe(sd_bus_message* m) {
    std::string values[3];
    read_string_options(m, {"session", "op", "procid"}, values);
    MonitorFilter f{values[0], values[1], values[2]};
    MessageRef call(m);
    with_credentials(caller(m), [this, call, f](Connection* conn, const sd_bus_error* error) {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        if (conn->uid != options_.broker_uid) {
            return reply_failure(call.get(),
                                 Failure(core::Status::ERR_ACCESS, "the monitor is for the broker's user only"));
        }
        connections_.set_monitor(*conn, f);
        reply_empty(call.get());
    });
    return 1;
}

int Service::Unsubscribe(sd_bus_message* m) {
    if (Connection* c = connections_.find(caller(m).name)) connections_.set_monitor(*c, std::nullopt);
    return reply_empty(m);
}

}  // namespace ttbus::dbus
