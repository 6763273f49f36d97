#include "client.h"

#include "status.h"
#include "wire.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace ttc {

namespace {

std::unique_ptr<Client>& the_client() {
    static std::unique_ptr<Client> c;
    return c;
}

std::string& preset() {
    static std::string session;
    return session;
}

const char* env_value(const char* name, const char* alternative) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') v = std::getenv(alternative);
    return (v != nullptr && *v != '\0') ? v : nullptr;
}

// A started handler's start token. Classic libtt renamed the variable in place (TT_TOKEN becomes
// TT_TAKEN) so that processes this one starts do not present the token again.
void retire_token(const char* name) {
    char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') v[-5] = 'A';  // the 'O' of "TOKEN="
}

Tt_status discover_session(Connection& bus, const Client& c, std::string& out) {
    if (!c.default_session.empty()) {
        out = c.default_session;
        return TT_OK;
    }
    if (!preset().empty()) {
        out = preset();
        return TT_OK;
    }
    if (const char* s = env_value("TT_SESSION", "_SUN_TT_SESSION")) {
        out = s;
        return TT_OK;
    }
    // The user's default session; calling the broker's name starts it by D-Bus activation.
    Reply reply;
    Tt_status s = bus.call(BROKER_IFACE, "DefaultSession", {}, &reply);
    if (s != TT_OK) return s;
    const char* session = nullptr;
    if (sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_STRING, &session) < 0) return TT_ERR_NOMP;
    out = session;
    return TT_OK;
}

}  // namespace

Client* client() {
    return the_client().get();
}

void preset_session(const std::string& session) {
    preset() = session;
}

namespace {

// Procid1's methods that have a compact form on Peer1, and a packed one (version 4).
struct CompactForm {
    const char* member;
    const char* compact;
    const char* packed;
};
constexpr CompactForm compact_forms[] = {{"Send", "SendCompact", "SendPacked"},
                                         {"SendOnExit", "SendOnExitCompact", nullptr},
                                         {"Reply", "ReplyCompact", "ReplyPacked"},
                                         {"Fail", "FailCompact", "FailPacked"}};

const CompactForm* compact_form(const Procid& p, const char* member) {
    if (!p.compact()) return nullptr;
    for (const auto& f : compact_forms) {
        if (std::strcmp(f.member, member) == 0) return &f;
    }
    return nullptr;
}

// The interface and member that carry `member` for a procid.
std::pair<const char*, const char*> method_of(const Procid& p, const char* member) {
    const CompactForm* f = compact_form(p, member);
    return f != nullptr ? std::pair{PEER_IFACE, f->compact} : std::pair{PROCID_IFACE, member};
}

// The packed form of `member` for a procid, or null.
const char* packed_form(const Procid& p, const char* member) {
    const CompactForm* f = compact_form(p, member);
    return f != nullptr && p.packed_calls() ? f->packed : nullptr;
}

// Asks the broker for the compact form on a peer connection, unless TTBUS_ENCODING=dict. A broker
// without it (an older one) leaves the connection with the a{sv} form; one of version 1 sends no
// batches, and every later version reads the parts of version 1. The question goes out without
// waiting for its answer (one round trip less in tt_open): the answer comes before anything the
// broker sends after it, Open's start message included, and sets the procid's link (the version
// agreed; it stays 0, the a{sv} form, without one) when the call's pump reads it.
Tt_status ask_compact(Procid& p) {
    const char* encoding = std::getenv("TTBUS_ENCODING");
    if (!p.bus->peer() || (encoding != nullptr && std::strcmp(encoding, "dict") == 0)) return TT_OK;
    const std::uint32_t version = protocol::compact::link_version;
    auto agreed = [](sd_bus_message* m, void* userdata, sd_bus_error*) {
        std::uint32_t used = 0;
        if (sd_bus_message_is_method_error(m, nullptr) == 0 && sd_bus_message_read_basic(m, SD_BUS_TYPE_UINT32, &used) > 0 &&
            used >= 1 && used <= protocol::compact::link_version) {
            static_cast<Procid*>(userdata)->link = used;
        }
        return 0;
    };
    return p.bus->ask(PEER_IFACE, "Compact", [&](sd_bus_message* m) {
        return sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &version);
    }, agreed, &p);
}

Connection::Build procid_first(const std::string& id, const Connection::Build& more) {
    return [&id, &more](sd_bus_message* m) {
        int r = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, id.c_str());
        return (r >= 0 && more) ? more(m) : r;
    };
}

}  // namespace

Tt_status Procid::call(const char* member, const Connection::Build& more, Reply* reply, const Connection::Build& packed) {
    if (const char* name = packed ? packed_form(*this, member) : nullptr) return bus->call(PEER_IFACE, name, packed, reply);
    const auto [iface, name] = method_of(*this, member);
    return bus->call(iface, name, procid_first(id, more), reply);
}

Tt_status Procid::post(const char* member, const Connection::Build& more, const Connection::Build& packed) {
    if (const char* name = packed ? packed_form(*this, member) : nullptr) return bus->post(PEER_IFACE, name, packed);
    const auto [iface, name] = method_of(*this, member);
    return bus->post(iface, name, procid_first(id, more));
}

void Procid::on_signal(sd_bus_message* m) {
    const char* member = sd_bus_message_get_member(m);
    if (member == nullptr) return;
    // The packed forms (version 4) hold the procid inside their one part; the others begin with it.
    const bool packed_batch = std::strcmp(member, protocol::delivered_packed_signal) == 0;
    const bool packed_update = std::strcmp(member, protocol::updated_packed_signal) == 0;
    const char* procid = nullptr;
    if (!packed_batch && !packed_update && sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &procid) < 0) return;
    // Read straight into the queue; what the broker sent wrongly leaves nothing there.
    const std::size_t before = queue.size();
    if (packed_batch || std::strcmp(member, protocol::delivered_batch_signal) == 0) {
        const int r = read_batch(m, packed_batch, [&]() -> std::pair<protocol::Message&, protocol::DeliveryKeys&> {
            Pending& p = queue.add();
            return {p.data, p.delivery};
        });
        if (r < 0) return queue.truncate(before);
        for (std::size_t i = before; i < queue.size(); ++i) queue.at(i).target = sent_handle(queue.at(i));
        return;
    }
    // The a{sv} forms (Procid1) and the compact ones (Peer1, on a peer connection that asked).
    Pending& p = queue.add();
    const bool delivered = std::strcmp(member, protocol::delivered_signal) == 0;
    p.update = std::strcmp(member, protocol::updated_signal) == 0;
    int r = -EINVAL;
    if (delivered || p.update) {
        r = read_message(m, p.data, p.delivery);
    } else if (std::strcmp(member, protocol::delivered_compact_signal) == 0) {
        r = read_delivered(m, p.data, p.delivery);
    } else if (packed_update || std::strcmp(member, protocol::updated_compact_signal) == 0) {
        p.update = true;
        r = read_update(m, p.changes.emplace(), packed_update);
    }
    if (r < 0) return queue.truncate(before);
    p.target = sent_handle(p);
    // An update for a handle the program destroyed has nowhere to go: it is dropped.
    if (p.update && p.target == nullptr) queue.truncate(before);
}

Tt_message Procid::sent_handle(const Pending& p) const {
    auto it = sent.find(p.changes ? p.changes->id : p.data.body.id);
    return it != sent.end() ? it->second : nullptr;
}

Procid* Client::find_procid(const std::string& id) const {
    for (const auto& p : procids) {
        if (p->id == id) return p.get();
    }
    return nullptr;
}

Tt_message Client::add_message(std::unique_ptr<Message> m) {
    return messages.add(std::move(m));
}

void Client::remove_message(Tt_message h) {
    // Only a message sent from here is known to a procid: registered by its id for the updates,
    // and the target of what is queued for it.
    const Message* m = messages.find(h);
    if (m != nullptr && m->sent) {
        for (const auto& p : procids) {
            if (auto it = p->sent.find(m->w.body.id); it != p->sent.end() && it->second == h) p->sent.erase(it);
            p->queue.erase_if([h](const Pending& q) { return q.target == h; });
            p->sync_fd();
        }
    }
    if (unvoted_offer == h) unvoted_offer = nullptr;
    messages.remove(h);
}

Tt_pattern Client::pattern_by_id(std::uint64_t id) const {
    auto it = id != 0 ? registered.find(id) : registered.end();
    return it == registered.end() ? nullptr : it->second;
}

Tt_status open_procid() {
    auto& c = the_client();
    bool fresh = !c;
    if (fresh) c = std::make_unique<Client>();
    auto p = std::make_unique<Procid>();
    Tt_status s = Connection::open(p->bus);
    std::string session;
    if (s == TT_OK) s = discover_session(*p->bus, *c, session);
    if (s == TT_OK) s = ask_compact(*p);
    const char* token = env_value("TT_TOKEN", "_SUN_TT_TOKEN");
    Procid* raw = p.get();
    // Installed before Open: a start message is delivered before Open returns.
    if (s == TT_OK) p->bus->on_signal([raw](sd_bus_message* m) { raw->on_signal(m); }, [raw] { raw->sync_fd(); });
    Reply reply;
    if (s == TT_OK) {
        s = p->bus->call(
            BROKER_IFACE, "Open", [&](sd_bus_message* m) { return append_open_options(m, session, token); }, &reply);
    }
    const char* procid = nullptr;
    const char* opened_session = nullptr;
    if (s == TT_OK && sd_bus_message_read(reply.m, "ss", &procid, &opened_session) < 0) s = TT_ERR_NOMP;
    if (s != TT_OK) {
        if (fresh) c.reset();
        return s;
    }
    if (token != nullptr) {
        retire_token("TT_TOKEN");
        retire_token("_SUN_TT_TOKEN");
    }
    p->id = procid;
    p->session = opened_session;
    p->uid = geteuid();
    p->gid = getegid();
    if (c->initial_session.empty()) c->initial_session = p->session;
    if (c->default_session.empty()) c->default_session = p->session;
    c->current = raw;
    c->procids.push_back(std::move(p));
    raw->sync_fd();
    return TT_OK;
}

Tt_status close_procid() {
    auto& c = the_client();
    Procid* p = c->current;
    Tt_status s = p->bus->call(BROKER_IFACE, "Close", [&](sd_bus_message* m) {
        return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, p->id.c_str());
    });
    // A broker that is gone has closed the procid already.
    if (s == TT_ERR_NOMP) s = TT_OK;
    // Messages the program destroyed while they waited for this procid's updates: none will come.
    std::vector<Tt_message> given_up;
    c->messages.for_each([&](Tt_message h, const Message& m) {
        if (m.destroyed && m.w.body.sender == p->id) given_up.push_back(h);
    });
    std::erase_if(c->procids, [p](const std::unique_ptr<Procid>& q) { return q.get() == p; });
    for (Tt_message h : given_up) c->remove_message(h);
    if (c->procids.empty()) {
        c.reset();
        return s;
    }
    c->current = c->procids.back().get();
    return s;
}

Tt_status need_open() {
    return client() != nullptr ? TT_OK : TT_ERR_NOMP;
}

Tt_status need_message(Tt_message h, Message** out) {
    Client* c = client();
    if (c == nullptr) return TT_ERR_NOMP;
    *out = c->messages.find(h);
    return *out != nullptr ? TT_OK : TT_ERR_POINTER;
}

Tt_status need_pattern(Tt_pattern h, Pattern** out) {
    Client* c = client();
    if (c == nullptr) return TT_ERR_NOMP;
    *out = c->patterns.find(h);
    return *out != nullptr ? TT_OK : TT_ERR_POINTER;
}

Tt_status need_string(const char* s, Tt_status if_null) {
    if (s == nullptr) return if_null;
    return is_error_pointer(s) ? TT_ERR_POINTER : TT_OK;
}

std::string new_message_id(const std::string& procid) {
    static unsigned long counter = 0;
    return std::to_string(++counter) + " " + procid;
}

}  // namespace ttc
