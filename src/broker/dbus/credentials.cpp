// Credentials and ownership: a connection's uid and gid (the bus's GetConnectionCredentials, or a
// peer socket's SO_PEERCRED) before it may open a procid, and the procids it owns.
#include "service_parts.h"

#include <sys/socket.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace ttbus::dbus {

namespace {

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

}  // namespace

std::vector<std::uint32_t> peer_groups(int fd) {
    std::vector<gid_t> groups(32);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto size = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) == 0) {
            groups.resize(size / sizeof(gid_t));
            return {groups.begin(), groups.end()};
        }
        if (errno != ERANGE) break;
        groups.resize(size / sizeof(gid_t));  // the kernel said how many there are
    }
    return {};
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

void Service::as_known_caller(const MethodCall& c, std::function<void(Connection&, const MessageRef&)> act) {
    MessageRef call(c.message);
    with_credentials(c.who, [this, call, act = std::move(act)](Connection* conn, const sd_bus_error* error) {
        if (error != nullptr) {
            sd_bus_reply_method_error(call.get(), error);
            return;
        }
        try {
            act(*conn, call);
        } catch (const Failure& f) {
            reply_failure(call.get(), f);
        }
    });
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
        std::vector<std::uint32_t> all_groups;
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
                if (ok) {
                    const auto* g = static_cast<const std::uint32_t*>(groups);
                    all_groups.assign(g, g + size / sizeof(std::uint32_t));
                }
            } else if (ok) {
                ok = sd_bus_message_skip(reply, "v") >= 0;
            }
            ok = ok && sd_bus_message_exit_container(reply) >= 0;
        }
        if (ok) {
            conn->uid = uid;
            conn->gid = gid;
            conn->groups = std::move(all_groups);
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
    core::Effects fx;
    std::string procid;
    check(engine_.open({session, c.uid, c.gid, token, c.name}, fx, &procid), "open in session " + session);
    connections_.own(procid, c);
    apply(fx);
    return procid;
}

}  // namespace ttbus::dbus
