// ttbusd's peer-to-peer transport: clients that connect straight to the broker's socket
// (Broker1.PeerAddress) with sd-bus, next to clients on the bus (client.h), each case under its own
// private bus and broker (busenv.py), on dbus-daemon and dbus-broker.
#include "client.h"

#include "protocol/compact.h"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ttbus::test {
namespace {

constexpr std::int32_t NOTICE = 1, REQUEST = 2;
constexpr std::int32_t SESSION = 1;
constexpr std::int32_t OBSERVE = 1, HANDLE = 2;
constexpr std::int32_t IN = 1, INOUT = 3;
constexpr std::int32_t HANDLED = 2, FAILED = 3;

// A message or signal argument as the tests look at it: basic values as text, the args' bytes.
struct Fields {
    std::map<std::string, std::string> keys;
    std::vector<std::string> args;
    std::string at(const std::string& key) const {
        auto it = keys.find(key);
        if (it == keys.end()) {
            ADD_FAILURE() << "no key " << key;
            return {};
        }
        return it->second;
    }
};

struct PeerSignal {
    std::string member;
    std::string first;
    Fields message;
    std::vector<std::string> parts;  // a compact signal's parts after the procid (Peer1's signals)
};

constexpr const char* peer_iface = "org.ttbus.Peer1";

void need(int r, const char* what) {
    if (r < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(-r));
}

// Reads an a{sv} at the message's position.
Fields read_fields(sd_bus_message* m) {
    Fields f;
    need(sd_bus_message_enter_container(m, 'a', "{sv}"), "enter a{sv}");
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* key = nullptr;
        need(sd_bus_message_read_basic(m, 's', &key), "key");
        char type = 0;
        const char* contents = nullptr;
        need(sd_bus_message_peek_type(m, &type, &contents), "peek");
        const std::string sig = contents;
        if (sig == "s") {
            const char* s = nullptr;
            need(sd_bus_message_read(m, "v", "s", &s), "s");
            f.keys[key] = s;
        } else if (sig == "i") {
            std::int32_t i = 0;
            need(sd_bus_message_read(m, "v", "i", &i), "i");
            f.keys[key] = std::to_string(i);
        } else if (sig == "u") {
            std::uint32_t u = 0;
            need(sd_bus_message_read(m, "v", "u", &u), "u");
            f.keys[key] = std::to_string(u);
        } else if (sig == "t") {
            std::uint64_t t = 0;
            need(sd_bus_message_read(m, "v", "t", &t), "t");
            f.keys[key] = std::to_string(t);
        } else if (sig == "b") {
            int b = 0;
            need(sd_bus_message_read(m, "v", "b", &b), "b");
            f.keys[key] = b ? "true" : "false";
        } else if (sig == "a(isuiay)") {
            need(sd_bus_message_enter_container(m, 'v', "a(isuiay)"), "v");
            need(sd_bus_message_enter_container(m, 'a', "(isuiay)"), "a");
            while (sd_bus_message_enter_container(m, 'r', "isuiay") > 0) {
                std::int32_t mode = 0, i = 0;
                std::uint32_t kind = 0;
                const char* vtype = nullptr;
                need(sd_bus_message_read(m, "isui", &mode, &vtype, &kind, &i), "arg");
                const void* p = nullptr;
                std::size_t n = 0;
                need(sd_bus_message_read_array(m, 'y', &p, &n), "bytes");
                f.args.emplace_back(static_cast<const char*>(p), n);
                need(sd_bus_message_exit_container(m), "exit r");
            }
            need(sd_bus_message_exit_container(m), "exit a");
            need(sd_bus_message_exit_container(m), "exit v");
        } else {
            need(sd_bus_message_skip(m, "v"), "skip");
        }
        need(sd_bus_message_exit_container(m), "exit e");
    }
    need(sd_bus_message_exit_container(m), "exit a{sv}");
    return f;
}

// The entry "args" = one inout string arg with this value, into an open a{sv}.
void append_inout_string_arg(sd_bus_message* m, const char* value) {
    need(sd_bus_message_open_container(m, 'e', "sv"), "e");
    need(sd_bus_message_append(m, "s", "args"), "args");
    need(sd_bus_message_open_container(m, 'v', "a(isuiay)"), "v");
    need(sd_bus_message_open_container(m, 'a', "(isuiay)"), "a");
    need(sd_bus_message_open_container(m, 'r', "isuiay"), "r");
    need(sd_bus_message_append(m, "isui", INOUT, "string", 2u, 0), "arg");
    need(sd_bus_message_append_array(m, 'y', value, std::strlen(value)), "bytes");
    for (int i = 0; i < 4; ++i) need(sd_bus_message_close_container(m), "close");
}

// An a{sv} message: class, address procedure, scope session, op, an optional id, and one inout
// string arg when `arg` is given.
void append_message(sd_bus_message* m, std::int32_t cls, const std::string& op, const std::string& id = {},
                    const char* arg = nullptr, std::int32_t scope = SESSION) {
    need(sd_bus_message_open_container(m, 'a', "{sv}"), "open");
    need(sd_bus_message_append(m, "{sv}", "class", "i", cls), "class");
    need(sd_bus_message_append(m, "{sv}", "address", "i", 0), "address");
    need(sd_bus_message_append(m, "{sv}", "scope", "i", scope), "scope");
    need(sd_bus_message_append(m, "{sv}", "op", "s", op.c_str()), "op");
    if (!id.empty()) need(sd_bus_message_append(m, "{sv}", "id", "s", id.c_str()), "id");
    if (arg != nullptr) append_inout_string_arg(m, arg);
    need(sd_bus_message_close_container(m), "close");
}

void append_pattern(sd_bus_message* m, std::int32_t category, const std::string& op) {
    need(sd_bus_message_append(m, "a{sv}", 3, "category", "i", category, "scopes", "ai", 1, SESSION, "ops", "as", 1,
                               op.c_str()),
         "pattern");
}

// A client on a peer-to-peer connection to the broker: raw sd-bus, no bus in between.
class Peer {
public:
    explicit Peer(const std::string& address) {
        need(sd_bus_new(&bus_), "sd_bus_new");
        need(sd_bus_set_address(bus_, address.c_str()), "address");
        need(sd_bus_start(bus_), "start");
        need(sd_bus_add_filter(bus_, nullptr, on_message, this), "filter");
    }
    ~Peer() { hang_up(); }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    void hang_up() {
        if (bus_ != nullptr) bus_ = sd_bus_flush_close_unref(bus_);
    }
    // Shuts the reading side of the socket only: the connection stays, what the broker sends fails.
    void stop_reading() { need(shutdown(sd_bus_get_fd(bus_), SHUT_RD), "shutdown"); }

    // A call that expects its reply: "" or the D-Bus error name; the reply (if wanted) in *reply.
    template <typename Build>
    std::string call(const char* iface, const char* member, Build&& build, sd_bus_message** reply = nullptr) {
        return call_at(broker_path, iface, member, build, reply);
    }
    template <typename Build>
    std::string call_at(const char* path, const char* iface, const char* member, Build&& build, sd_bus_message** reply = nullptr) {
        sd_bus_message* m = nullptr;
        need(sd_bus_message_new_method_call(bus_, &m, nullptr, path, iface, member), "new call");
        build(m);
        sd_bus_error error{};
        sd_bus_message* r = nullptr;
        int ret = sd_bus_call(bus_, m, 5 * 1000 * 1000, &error, &r);
        sd_bus_message_unref(m);
        std::string name = ret < 0 ? (error.name ? error.name : "(no error name)") : "";
        sd_bus_error_free(&error);
        if (reply != nullptr) *reply = r;
        else sd_bus_message_unref(r);
        return name;
    }
    std::string call(const char* iface, const char* member) {
        return call(iface, member, [](sd_bus_message*) {});
    }
    // Writes what waits to be written.
    void flush() { need(sd_bus_flush(bus_), "flush"); }
    // Bytes the broker wrote that sd-bus has not read yet.
    int unread() const {
        int n = 0;
        need(ioctl(sd_bus_get_fd(bus_), FIONREAD, &n), "FIONREAD");
        return n;
    }
    // Peer1.Compact: the version the broker agrees on.
    std::uint32_t ask_compact(std::uint32_t version) {
        sd_bus_message* r = nullptr;
        EXPECT_EQ(call("org.ttbus.Peer1", "Compact", [&](sd_bus_message* m) { need(sd_bus_message_append(m, "u", version), "v"); }, &r), "");
        std::uint32_t used = 0;
        if (r != nullptr) need(sd_bus_message_read(r, "u", &used), "used");
        sd_bus_message_unref(r);
        return used;
    }
    // A call sent without waiting (start_call), and its reply waited for (finish_call).
    sd_bus_message* start_call(const char* iface, const char* member) {
        sd_bus_message* m = nullptr;
        need(sd_bus_message_new_method_call(bus_, &m, nullptr, broker_path, iface, member), "new call");
        std::uint64_t cookie = 0;
        need(sd_bus_send(bus_, m, &cookie), "send");
        return m;
    }
    void finish_call(sd_bus_message* call) {
        std::uint64_t cookie = 0;
        need(sd_bus_message_get_cookie(call, &cookie), "cookie");
        sd_bus_message_unref(call);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!replied_.count(cookie) && std::chrono::steady_clock::now() < deadline) {
            while (sd_bus_process(bus_, nullptr) > 0) {
            }
            if (!replied_.count(cookie)) sd_bus_wait(bus_, 50 * 1000);
        }
        EXPECT_TRUE(replied_.count(cookie)) << "no reply";
    }
    // A call without a reply (NO_REPLY_EXPECTED).
    template <typename Build>
    void one_way(const char* iface, const char* member, Build&& build) {
        sd_bus_message* m = nullptr;
        need(sd_bus_message_new_method_call(bus_, &m, nullptr, broker_path, iface, member), "new call");
        build(m);
        need(sd_bus_message_set_expect_reply(m, 0), "expect no reply");
        need(sd_bus_send(bus_, m, nullptr), "send");
        sd_bus_message_unref(m);
    }

    std::string open() {
        sd_bus_message* r = nullptr;
        std::string error = call(broker_iface, "Open", [](sd_bus_message* m) { need(sd_bus_message_append(m, "a{sv}", 0), "options"); }, &r);
        EXPECT_EQ(error, "");
        const char* procid = "";
        const char* session = "";
        if (r != nullptr) need(sd_bus_message_read(r, "ss", &procid, &session), "Open reply");
        std::string out = procid;
        sd_bus_message_unref(r);
        return out;
    }
    std::string string_call(const char* iface, const char* member) {
        sd_bus_message* r = nullptr;
        EXPECT_EQ(call(iface, member, [](sd_bus_message*) {}, &r), "") << member;
        const char* s = "";
        if (r != nullptr) need(sd_bus_message_read(r, "s", &s), member);
        std::string out = s;
        sd_bus_message_unref(r);
        return out;
    }
    // A procid with one pattern, joined to the default session.
    std::string join_with(std::int32_t category, const std::string& op) {
        std::string procid = open();
        EXPECT_EQ(call(procid_iface, "PatternRegister",
                       [&](sd_bus_message* m) {
                           need(sd_bus_message_append(m, "s", procid.c_str()), "procid");
                           append_pattern(m, category, op);
                       }),
                  "");
        const std::string session = string_call(broker_iface, "DefaultSession");
        EXPECT_EQ(call(procid_iface, "SessionJoin",
                       [&](sd_bus_message* m) { need(sd_bus_message_append(m, "ss", procid.c_str(), session.c_str()), "join"); }),
                  "");
        return procid;
    }

    PeerSignal wait_for(const std::string& member, const std::string& first = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            while (sd_bus_process(bus_, nullptr) > 0) {
            }
            for (auto it = signals_.begin(); it != signals_.end(); ++it) {
                if (it->member == member && (first.empty() || it->first == first)) {
                    PeerSignal s = std::move(*it);
                    signals_.erase(it);
                    return s;
                }
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                ADD_FAILURE() << "timed out waiting for " << member << " on a peer connection";
                return {};
            }
            sd_bus_wait(bus_, 50 * 1000);
        }
    }
    bool quiet(const std::string& member, std::chrono::milliseconds time = std::chrono::milliseconds(300)) {
        auto deadline = std::chrono::steady_clock::now() + time;
        while (std::chrono::steady_clock::now() < deadline) {
            while (sd_bus_process(bus_, nullptr) > 0) {
            }
            for (const auto& s : signals_) {
                if (s.member == member) return false;
            }
            sd_bus_wait(bus_, 20 * 1000);
        }
        return true;
    }

private:
    static int on_message(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Peer*>(userdata);
        if (std::uint64_t cookie = 0; sd_bus_message_get_reply_cookie(m, &cookie) >= 0) self->replied_.insert(cookie);
        if (!sd_bus_message_is_signal(m, nullptr, nullptr)) return 0;
        PeerSignal s;
        s.member = sd_bus_message_get_member(m);
        EXPECT_EQ(sd_bus_message_get_destination(m), nullptr) << "no destination on a peer connection";
        if (s.member == "DeliveredPacked" || s.member == "UpdatedPacked") {  // the procid inside the one part
            const void* p = nullptr;
            std::size_t n = 0;
            need(sd_bus_message_read_array(m, 'y', &p, &n), "packed");
            const protocol::compact::Packed packed =
                protocol::compact::unpack(std::string_view(static_cast<const char*>(p), n));
            s.first = packed.procid;
            s.parts.emplace_back(packed.part);
            self->signals_.push_back(std::move(s));
            return 0;
        }
        const char* first = nullptr;
        if (sd_bus_message_read(m, "s", &first) < 0) return 0;  // not ours (Disconnected)
        s.first = first;
        if (std::strcmp(sd_bus_message_get_interface(m), peer_iface) == 0) {
            const void* p = nullptr;
            std::size_t n = 0;
            while (sd_bus_message_read_array(m, 'y', &p, &n) > 0) s.parts.emplace_back(static_cast<const char*>(p), n);
        } else {
            s.message = read_fields(m);
        }
        self->signals_.push_back(std::move(s));
        return 0;
    }

    sd_bus* bus_ = nullptr;
    std::deque<PeerSignal> signals_;
    std::set<std::uint64_t> replied_;  // the cookies of the calls whose replies came
};

// The broker's process id, from the bus.
pid_t broker_pid() {
    sd_bus* bus = nullptr;
    need(sd_bus_open_user(&bus), "open the bus");
    sd_bus_message* reply = nullptr;
    need(sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                            "GetConnectionUnixProcessID", nullptr, &reply, "s", "org.ttbus.Broker1"),
         "GetConnectionUnixProcessID");
    std::uint32_t pid = 0;
    need(sd_bus_message_read_basic(reply, 'u', &pid), "pid");
    sd_bus_message_unref(reply);
    sd_bus_flush_close_unref(bus);
    return static_cast<pid_t>(pid);
}

// A line of /proc/<pid>/status in KiB ("VmHWM", "VmRSS").
long status_kib(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    return -1;
}

// The lines of the broker's log (busenv keeps it in $TTBUS_TEST_DIR/ttbusd.log) that contain
// `what`; with `at_least`, waits up to 15 s (a refusal-log interval and then some) for that many.
std::vector<std::string> broker_log_lines(const std::string& what, std::size_t at_least = 0) {
    const std::string path = std::string(std::getenv("TTBUS_TEST_DIR")) + "/ttbusd.log";
    std::vector<std::string> lines;
    for (int i = 0; i < 150; ++i) {
        lines.clear();
        std::ifstream log(path);
        for (std::string line; std::getline(log, line);) {
            if (line.find(what) != std::string::npos) lines.push_back(line);
        }
        if (lines.size() >= at_least) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return lines;
}

// A connected socket to the broker's peer socket that says nothing (or what it is given).
int raw_connection(const std::string& address) {
    const std::string path = address.substr(std::strlen("unix:path="));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    return fd;
}

std::string peer_address(Client& c) {
    std::string address;
    c.proxy().callMethod("PeerAddress").onInterface(broker_iface).storeResultsTo(address);
    return address;
}

Dict pattern(std::int32_t category, const std::string& op) {
    return {{"category", sdbus::Variant(category)},
            {"scopes", sdbus::Variant(std::vector<std::int32_t>{SESSION})},
            {"ops", sdbus::Variant(std::vector<std::string>{op})}};
}

Dict message(std::int32_t cls, const std::string& op, const std::string& id = {}) {
    Dict d{{"class", sdbus::Variant(cls)},
           {"address", sdbus::Variant(std::int32_t{0})},
           {"scope", sdbus::Variant(SESSION)},
           {"op", sdbus::Variant(op)},
           {"args", sdbus::Variant(std::vector<WireArg>{bytes_arg(INOUT, "string", "ping")})}};
    if (!id.empty()) d["id"] = sdbus::Variant(id);
    return d;
}

std::string default_session(Client& c) {
    std::string s;
    c.proxy().callMethod("DefaultSession").onInterface(broker_iface).storeResultsTo(s);
    return s;
}

std::string join_with(Client& c, std::int32_t category, const std::string& op) {
    std::string procid = c.open();
    c.register_pattern(procid, pattern(category, op));
    c.procid_call("SessionJoin", procid, default_session(c));
    return procid;
}

void send_one_way(Client& c, const std::string& procid, const Dict& m) {
    c.proxy().callMethod("Send").onInterface(procid_iface).withArguments(procid, m).dontExpectReply();
}

// A reply with one inout string, one-way.
void peer_reply(Peer& p, const std::string& procid, const std::string& id, const char* value) {
    p.one_way(procid_iface, "Reply", [&](sd_bus_message* m) {
        need(sd_bus_message_append(m, "ss", procid.c_str(), id.c_str()), "reply");
        need(sd_bus_message_open_container(m, 'a', "{sv}"), "a");
        append_inout_string_arg(m, value);
        need(sd_bus_message_close_container(m), "close");
    });
}

void peer_send(Peer& p, const std::string& procid, std::int32_t cls, const std::string& op, const std::string& id) {
    p.one_way(procid_iface, "Send", [&](sd_bus_message* m) {
        need(sd_bus_message_append(m, "s", procid.c_str()), "procid");
        append_message(m, cls, op, id, "ping");
    });
}

// A session-scoped procedure message of class `cls` (protocol's form), for the compact sends.
protocol::Message session_message(protocol::Class cls, const std::string& op, const std::string& id,
                                  std::vector<protocol::Arg> args) {
    protocol::Message w;
    w.body.cls = cls;
    w.body.address = protocol::Address::PROCEDURE;
    w.header.scope = protocol::Scope::SESSION;
    w.body.op = op;
    w.body.id = id;
    w.body.args = std::move(args);
    return w;
}

// Peer1.SendCompact, one-way.
void send_compact(Peer& p, const std::string& procid, const protocol::Message& w) {
    p.one_way("org.ttbus.Peer1", "SendCompact", [&](sd_bus_message* m) {
        std::string part;
        protocol::compact::append_message(part, w.body, w.header, protocol::Party::client);
        need(sd_bus_message_append(m, "s", procid.c_str()), "procid");
        need(sd_bus_message_append_array(m, 'y', part.data(), part.size()), "part");
    });
}

TEST(Peer, BusSenderPeerHandler) {
    Client sender;
    const std::string address = peer_address(sender);
    EXPECT_EQ(address.rfind("unix:path=", 0), 0u) << address;
    Peer handler(address);
    std::string h = handler.join_with(HANDLE, "Echo");
    Dict info;
    sender.proxy().callMethod("ProcidInfo").onInterface(broker_iface).withArguments(h).storeResultsTo(info);
    EXPECT_EQ(get<std::string>(info, "owner").rfind("peer:", 0), 0u) << "a broker-made connection name";
    EXPECT_EQ(get<std::uint32_t>(info, "uid"), static_cast<std::uint32_t>(geteuid())) << "from SO_PEERCRED";

    std::string s = sender.open();
    const std::string id = "c1 " + s;
    send_one_way(sender, s, message(REQUEST, "Echo", id));
    PeerSignal d = handler.wait_for("Delivered", h);
    EXPECT_EQ(d.message.at("id"), id) << "the client's own id";
    EXPECT_EQ(d.message.at("sender"), s);
    ASSERT_EQ(d.message.args.size(), 1u);
    EXPECT_EQ(d.message.args[0], "ping");
    peer_reply(handler, h, id, "pong");
    Signal u = sender.wait_for("Updated", s);
    EXPECT_EQ(get<std::string>(u.message, "id"), id);
    EXPECT_EQ(get<std::int32_t>(u.message, "state"), HANDLED);
    EXPECT_EQ(bytes_of(get<std::vector<WireArg>>(u.message, "args").at(0)), "pong");
}

TEST(Peer, PeerSenderBusHandler) {
    Client handler;
    std::string h = join_with(handler, HANDLE, "Echo");
    Peer sender(peer_address(handler));
    std::string s = sender.open();
    const std::string id = "c7 " + s;
    peer_send(sender, s, REQUEST, "Echo", id);
    Signal d = handler.wait_for("Delivered", h);
    EXPECT_EQ(get<std::string>(d.message, "id"), id);
    handler.procid_call("Reply", h, id,
                        Dict{{"args", sdbus::Variant(std::vector<WireArg>{bytes_arg(INOUT, "string", "pong")})}});
    PeerSignal u = sender.wait_for("Updated", s);
    EXPECT_EQ(u.message.at("id"), id);
    EXPECT_EQ(u.message.at("state"), std::to_string(HANDLED));
    EXPECT_EQ(u.message.args.at(0), "pong");
}

// A peer's method calls go from the broker's filter straight to its entries; whatever they do not
// cover gets sd-bus's own answer from the broker's objects, registered on the connection then: a
// wrong signature (also as the first call), an unknown member or object, a call without an
// interface, introspection (as sd-bus answered them when the objects were registered up front).
TEST(Peer, CallsBesideTheEntriesGetTheObjectsAnswers) {
    Client bus;
    const std::string address = peer_address(bus);
    Peer first(address), second(address);
    EXPECT_EQ(first.call(broker_iface, "Close", [](sd_bus_message* m) { need(sd_bus_message_append(m, "u", 7u), "arg"); }),
              "org.freedesktop.DBus.Error.InvalidArgs");
    EXPECT_FALSE(first.open().empty());
    EXPECT_FALSE(second.open().empty());
    const std::string session = second.string_call(broker_iface, "DefaultSession");
    EXPECT_FALSE(session.empty());
    EXPECT_EQ(second.call(broker_iface, "NoSuchMethod"), "org.freedesktop.DBus.Error.UnknownMethod");
    EXPECT_EQ(second.call_at("/org/ttbus/Elsewhere", broker_iface, "DefaultSession", [](sd_bus_message*) {}),
              "org.freedesktop.DBus.Error.UnknownObject");
    // sd-bus (252) looks up no member without an interface: the path's objects are not found.
    EXPECT_EQ(second.call(nullptr, "DefaultSession"), "org.freedesktop.DBus.Error.UnknownObject");
    const std::string xml = second.string_call("org.freedesktop.DBus.Introspectable", "Introspect");
    for (const char* i : {"org.ttbus.Broker1", "org.ttbus.Procid1", "org.ttbus.Peer1", "org.ttbus.Monitor1"}) {
        EXPECT_NE(xml.find(std::string("<interface name=\"") + i + "\">"), std::string::npos) << i;
    }
}

TEST(Peer, PeerToPeerAndAMonitorOnAPeer) {
    Client bus;
    const std::string address = peer_address(bus);
    Peer handler(address), sender(address), watcher(address);
    EXPECT_EQ(watcher.call(monitor_iface, "Subscribe",
                           [](sd_bus_message* m) { need(sd_bus_message_append(m, "a{sv}", 1, "op", "s", "Echo"), "filter"); }),
              "");
    std::string h = handler.join_with(HANDLE, "Echo");
    std::string s = sender.open();
    const std::string id = "peer-to-peer " + s;
    peer_send(sender, s, REQUEST, "Echo", id);
    EXPECT_EQ(handler.wait_for("Delivered", h).message.at("id"), id);
    peer_reply(handler, h, id, "pong");
    EXPECT_EQ(sender.wait_for("Updated", s).message.at("state"), std::to_string(HANDLED));
    EXPECT_EQ(watcher.wait_for("Event", "sent").message.at("id"), id);
    EXPECT_EQ(watcher.wait_for("Event", "delivered").message.at("procid"), h);
    EXPECT_EQ(watcher.wait_for("Event", "updated").message.at("state"), std::to_string(HANDLED));
}

// A peer that hangs up dies like a bus connection that leaves: the request it held fails with
// TT_ERR_PROCID, its send-on-exit messages go out, the sessions it created end.
TEST(Peer, HangingUpClosesItsProcids) {
    Client sender;
    std::string o = join_with(sender, OBSERVE, "Bye");
    std::string s = sender.open();
    std::string h, session;
    {
        Peer handler(peer_address(sender));
        h = handler.join_with(HANDLE, "Slow");
        session = handler.string_call(broker_iface, "CreateSession");
        EXPECT_EQ(handler.call(procid_iface, "SendOnExit",
                               [&](sd_bus_message* m) {
                                   need(sd_bus_message_append(m, "s", h.c_str()), "procid");
                                   append_message(m, NOTICE, "Bye");
                               }),
                  "");
        std::string id = sender.send(s, message(REQUEST, "Slow"));
        EXPECT_EQ(handler.wait_for("Delivered", h).message.at("id"), id);
    }  // hung up without replying
    Signal u = sender.wait_for("Updated", s);
    EXPECT_EQ(get<std::int32_t>(u.message, "state"), FAILED);
    EXPECT_EQ(get<std::int32_t>(u.message, "status"), 1042) << "TT_ERR_PROCID";
    EXPECT_EQ(get<std::string>(sender.wait_for("Delivered", o).message, "op"), "Bye");
    EXPECT_EQ(error_of([&] { sender.proxy().callMethod("ProcidInfo").onInterface(broker_iface).withArguments(h); }),
              "org.ttbus.Error.Procid");
    std::vector<std::string> sessions;
    sender.proxy().callMethod("Sessions").onInterface(broker_iface).storeResultsTo(sessions);
    EXPECT_EQ(std::count(sessions.begin(), sessions.end(), session), 0) << "its session ended";
}

// A peer that stops reading without hanging up (its socket shut for reading) gives no sign the
// broker waits on: the broker finds out when it sends to it, and the peer dies as if it had hung up.
TEST(Peer, APeerThatCannotBeWrittenToDies) {
    Client sender;
    const std::string s = sender.open();
    Peer handler(peer_address(sender));
    const std::string h = handler.join_with(HANDLE, "Shut");
    handler.stop_reading();
    sender.send(s, message(REQUEST, "Shut"));
    Signal u = sender.wait_for("Updated", s);
    EXPECT_EQ(get<std::int32_t>(u.message, "state"), FAILED);
    EXPECT_EQ(get<std::int32_t>(u.message, "status"), 1042) << "TT_ERR_PROCID, as for a handler that died";
    EXPECT_EQ(error_of([&] { sender.proxy().callMethod("ProcidInfo").onInterface(broker_iface).withArguments(h); }),
              "org.ttbus.Error.Procid");
}

// A one-way Send that fails comes back as an Updated in state TT_FAILED with the error's status
// when the sender could be waiting for it: a request or offer with an id, from its own procid.
TEST(Peer, OneWaySendFailuresComeBackAsUpdates) {
    Client bus;
    Peer p(peer_address(bus));
    std::string s = p.open();
    // Read, refused by the engine: a file scope without a file.
    p.one_way(procid_iface, "Send", [&](sd_bus_message* m) {
        need(sd_bus_message_append(m, "s", s.c_str()), "procid");
        append_message(m, REQUEST, "Nowhere", "f1 " + s, nullptr, 2);
    });
    PeerSignal u = p.wait_for("Updated", s);
    EXPECT_EQ(u.message.at("id"), "f1 " + s);
    EXPECT_EQ(u.message.at("state"), std::to_string(FAILED));
    EXPECT_EQ(u.message.at("status"), "1028") << "TT_ERR_FILE";
    EXPECT_EQ(u.message.at("op"), "Nowhere");
    // Over a limit: more args than allowed.
    p.one_way(procid_iface, "Send", [&](sd_bus_message* m) {
        need(sd_bus_message_append(m, "s", s.c_str()), "procid");
        need(sd_bus_message_open_container(m, 'a', "{sv}"), "a");
        need(sd_bus_message_append(m, "{sv}", "id", "s", ("f2 " + s).c_str()), "id");
        need(sd_bus_message_append(m, "{sv}", "class", "i", REQUEST), "class");
        need(sd_bus_message_open_container(m, 'e', "sv"), "e");
        need(sd_bus_message_append(m, "s", "args"), "args");
        need(sd_bus_message_open_container(m, 'v', "a(isuiay)"), "v");
        need(sd_bus_message_open_container(m, 'a', "(isuiay)"), "a");
        for (int i = 0; i < 300; ++i) {
            need(sd_bus_message_append(m, "(isuiay)", IN, "int", 1u, i, 0), "arg");
        }
        for (int i = 0; i < 4; ++i) need(sd_bus_message_close_container(m), "close");
    });
    u = p.wait_for("Updated", s);
    EXPECT_EQ(u.message.at("id"), "f2 " + s);
    EXPECT_EQ(u.message.at("state"), std::to_string(FAILED));
    EXPECT_EQ(u.message.at("status"), "1055") << "TT_ERR_OVERFLOW";
    // Notices, messages without an id, and messages that could not be read are only logged.
    for (auto [cls, id] : {std::pair{NOTICE, "n1 " + s}, std::pair{REQUEST, std::string()}}) {
        p.one_way(procid_iface, "Send", [&](sd_bus_message* m) {
            need(sd_bus_message_append(m, "s", s.c_str()), "procid");
            append_message(m, cls, "Nowhere", id, nullptr, 2);
        });
    }
    p.one_way(procid_iface, "Send", [&](sd_bus_message* m) {
        need(sd_bus_message_append(m, "sa{sv}", s.c_str(), 2, "id", "s", ("f3 " + s).c_str(), "colour", "i", 1), "bad");
    });
    EXPECT_TRUE(p.quiet("Updated")) << "nothing to tell";
    // On the bus alike.
    Client c;
    std::string b = c.open();
    Dict bad = message(REQUEST, "Nowhere", "f4 " + b);
    bad["scope"] = sdbus::Variant(std::int32_t{2});
    send_one_way(c, b, bad);
    Signal bu = c.wait_for("Updated", b);
    EXPECT_EQ(get<std::string>(bu.message, "id"), "f4 " + b);
    EXPECT_EQ(get<std::int32_t>(bu.message, "state"), FAILED);
    EXPECT_EQ(get<std::int32_t>(bu.message, "status"), 1028);
    // A one-way Send for a procid of another connection tells nobody.
    send_one_way(c, s, message(REQUEST, "Spoof", "f5 " + s));
    EXPECT_TRUE(p.quiet("Updated"));
    EXPECT_EQ(p.string_call(broker_iface, "DefaultSession"), default_session(c)) << "the broker still serves";
}

// The compact form of the peer link (docs/dbus-api.md "Peer link encoding"): asked for by
// Peer1.Compact, on peer connections only; a connection that does not ask keeps the a{sv} form.
TEST(Peer, CompactPeerLink) {
    namespace compact = protocol::compact;
    Client bus;
    const std::string address = peer_address(bus);
    Peer handler(address), sender(address), first(address), second(address), plain(address);
    for (Peer* p : {&handler, &sender}) {
        EXPECT_EQ(p->ask_compact(7), compact::link_version) << "the broker's version, below the client's";
    }
    // Observers of version 1, which get no batches: each delivery a DeliveredCompact.
    for (Peer* p : {&first, &second}) EXPECT_EQ(p->ask_compact(1), 1u);
    const std::string h = handler.join_with(HANDLE, "Echo");
    const std::string o1 = first.join_with(OBSERVE, "Note"), o2 = second.join_with(OBSERVE, "Note");
    const std::string o3 = plain.join_with(OBSERVE, "Note");
    const std::string s = sender.open();
    protocol::Message note = session_message(protocol::Class::NOTICE, "Note", "", {{protocol::Mode::IN, "string", std::string("hello")}});
    send_compact(sender, s, note);
    // Every compact observer gets the same body bytes; the one that did not ask, the a{sv} form.
    PeerSignal d1 = first.wait_for("DeliveredCompact", o1), d2 = second.wait_for("DeliveredCompact", o2);
    ASSERT_EQ(d1.parts.size(), 2u);
    ASSERT_EQ(d2.parts.size(), 2u);
    EXPECT_EQ(d1.parts[1], d2.parts[1]);
    protocol::MessageBody body;
    compact::read_body(d1.parts[1], body);
    EXPECT_EQ(body.op, "Note");
    EXPECT_EQ(body.sender, s);
    EXPECT_EQ(body.args, note.body.args);
    protocol::DeliveryKeys how;
    protocol::MessageHeader header;
    compact::read_delivery(d1.parts[0], how, header);
    EXPECT_EQ(how.delivery, static_cast<std::uint32_t>(protocol::Delivery::observe));
    EXPECT_EQ(header.state, protocol::State::SENT);
    PeerSignal d3 = plain.wait_for("Delivered", o3);
    EXPECT_EQ(d3.message.at("op"), "Note");
    EXPECT_EQ(d3.message.args.at(0), "hello");

    // A request and its reply, each way compact: the update carries the header and the INOUT value.
    protocol::Message request =
        session_message(protocol::Class::REQUEST, "Echo", "k1 " + s, {{protocol::Mode::INOUT, "string", std::string("ping")}});
    send_compact(sender, s, request);
    // The handler, of the latest version, gets it packed as a batch of one (made alone in the
    // sender's turn), the procid inside.
    const std::vector<compact::Delivered> d = compact::read_batch(handler.wait_for("DeliveredPacked", h).parts.at(0));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message.body.id, request.body.id);
    EXPECT_EQ(d[0].delivery.delivery, static_cast<std::uint32_t>(protocol::Delivery::handle));
    handler.one_way(peer_iface, "ReplyCompact", [&](sd_bus_message* m) {
        std::string part;
        compact::append_answer(part, {{protocol::Mode::INOUT, "string", std::string("pong")}}, 0, "");
        need(sd_bus_message_append(m, "ss", h.c_str(), request.body.id.c_str()), "ids");
        need(sd_bus_message_append_array(m, 'y', part.data(), part.size()), "part");
    });
    PeerSignal u = sender.wait_for("UpdatedPacked", s);
    ASSERT_EQ(u.parts.size(), 1u);
    compact::Update update;
    compact::read_update(u.parts[0], update);
    EXPECT_EQ(update.id, request.body.id);
    EXPECT_EQ(update.header.state, protocol::State::HANDLED);
    EXPECT_EQ(update.sender, s);
    EXPECT_EQ(update.values, std::vector<protocol::Value>{std::string("pong")});

    // A one-way compact Send the engine refuses comes back as a compact update; a malformed part
    // is refused as the a{sv} form's errors are.
    protocol::Message nowhere = request;
    // A request scoped to a file without one comes back failed, in the update form `member`.
    auto without_a_file = [&](Peer& p, const std::string& procid, const std::string& id, const char* member) {
        nowhere.body.id = id;
        nowhere.header.scope = protocol::Scope::FILE;
        send_compact(p, procid, nowhere);
        compact::read_update(p.wait_for(member, procid).parts.at(0), update);
        EXPECT_EQ(update.id, id);
        EXPECT_EQ(update.header.state, protocol::State::FAILED);
        EXPECT_EQ(update.header.status, 1028) << "TT_ERR_FILE";
    };
    without_a_file(sender, s, "k2 " + s, "UpdatedPacked");
    nowhere.body.id = "k3 " + s;
    nowhere.header.scope = static_cast<protocol::Scope>(99);
    send_compact(sender, s, nowhere);
    compact::read_update(sender.wait_for("UpdatedPacked", s).parts.at(0), update);
    EXPECT_EQ(update.id, nowhere.body.id) << "refused while read, after the id";
    EXPECT_EQ(update.header.status, static_cast<std::int32_t>(protocol::Status::ERR_SCOPE));
    EXPECT_EQ(sender.call(peer_iface, "SendCompact", [&](sd_bus_message* m) {
                  need(sd_bus_message_append(m, "s", s.c_str()), "procid");
                  need(sd_bus_message_append_array(m, 'y', "\x01\x02", 2), "part");
              }),
              "org.ttbus.Error.Invalid");
    EXPECT_TRUE(sender.quiet("UpdatedCompact")) << "a connection of version 4 gets its updates packed";
    EXPECT_TRUE(handler.quiet("DeliveredBatch"));
    // One of version 3 gets them as before: the procid, then the update.
    Peer older(address);
    EXPECT_EQ(older.ask_compact(compact::packed_signals_link_version - 1), compact::packed_signals_link_version - 1);
    const std::string s3 = older.open();
    without_a_file(older, s3, "k4 " + s3, "UpdatedCompact");
    EXPECT_TRUE(older.quiet("UpdatedPacked"));
    // Not on the bus: there the API is the a{sv} one only.
    EXPECT_THROW(bus.proxy().callMethod("Compact").onInterface(peer_iface).withArguments(std::uint32_t{1}),
                 sdbus::Error);
}

// Version 4's packed calls: the procid (and an answer's message id) inside the one part. The owner
// check comes before the part is read, as with the unpacked forms; a malformed part or head is
// refused as they are.
TEST(Peer, PackedCalls) {
    namespace compact = protocol::compact;
    Client bus;
    const std::string address = peer_address(bus);
    Peer handler(address), sender(address), other(address);
    for (Peer* p : {&handler, &sender, &other}) EXPECT_EQ(p->ask_compact(compact::packed_calls_link_version), 4u);
    const std::string h = handler.join_with(HANDLE, "Echo");
    const std::string s = sender.open();
    other.open();
    auto packed = [](std::initializer_list<std::string> heads, const std::string& part) {
        std::string out;
        for (const auto& head : heads) out += compact::packed_head(head);
        return out + part;
    };
    auto append = [](sd_bus_message* m, const std::string& bytes) {
        need(sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size()), "packed");
    };
    protocol::Message request =
        session_message(protocol::Class::REQUEST, "Echo", "p1 " + s, {{protocol::Mode::INOUT, "string", std::string("ping")}});
    std::string message_part;
    compact::append_message(message_part, request.body, request.header, protocol::Party::client);
    sd_bus_message* r = nullptr;
    ASSERT_EQ(sender.call(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, packed({s}, message_part)); }, &r), "");
    const char* id = nullptr;
    need(sd_bus_message_read(r, "s", &id), "id");
    EXPECT_EQ(std::string(id), request.body.id);
    sd_bus_message_unref(r);
    const std::vector<compact::Delivered> d = compact::read_batch(handler.wait_for("DeliveredPacked", h).parts.at(0));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message.body.id, request.body.id);
    std::string answer;
    compact::append_answer(answer, {{protocol::Mode::INOUT, "string", std::string("pong")}}, 0, "");
    handler.one_way(peer_iface, "ReplyPacked", [&](sd_bus_message* m) { append(m, packed({h, request.body.id}, answer)); });
    compact::Update update;
    compact::read_update(sender.wait_for("UpdatedPacked", s).parts.at(0), update);
    EXPECT_EQ(update.id, request.body.id);
    EXPECT_EQ(update.header.state, protocol::State::HANDLED);
    EXPECT_EQ(update.values, std::vector<protocol::Value>{std::string("pong")});
    // A failure, its call waited for.
    request.body.id = "p2 " + s;
    message_part.clear();
    compact::append_message(message_part, request.body, request.header, protocol::Party::client);
    sender.one_way(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, packed({s}, message_part)); });
    handler.wait_for("DeliveredPacked", h);
    answer.clear();
    compact::append_answer(answer, {}, 7, "no");
    EXPECT_EQ(handler.call(peer_iface, "FailPacked", [&](sd_bus_message* m) { append(m, packed({h, request.body.id}, answer)); }), "");
    compact::read_update(sender.wait_for("UpdatedPacked", s).parts.at(0), update);
    EXPECT_EQ(update.id, request.body.id);
    EXPECT_EQ(update.header.state, protocol::State::FAILED);
    EXPECT_EQ(update.header.status, 7);
    EXPECT_EQ(handler.call(peer_iface, "ReplyPacked", [&](sd_bus_message* m) { append(m, packed({h, request.body.id}, answer)); }),
              "org.ttbus.Error.State") << "answered already";
    // A one-way packed send the engine refuses comes back as an update, as an unpacked one does.
    request.body.id = "p3 " + s;
    request.header.scope = protocol::Scope::FILE;
    message_part.clear();
    compact::append_message(message_part, request.body, request.header, protocol::Party::client);
    sender.one_way(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, packed({s}, message_part)); });
    compact::read_update(sender.wait_for("UpdatedPacked", s).parts.at(0), update);
    EXPECT_EQ(update.id, request.body.id);
    EXPECT_EQ(update.header.state, protocol::State::FAILED);
    EXPECT_EQ(update.header.status, 1028) << "TT_ERR_FILE";
    // The owner check first: another connection's procid with a malformed part is refused for the procid.
    EXPECT_EQ(other.call(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, packed({s}, "\x01\x02")); }),
              "org.ttbus.Error.Access");
    EXPECT_EQ(other.call(peer_iface, "ReplyPacked", [&](sd_bus_message* m) { append(m, packed({h, "x"}, "\x01")); }),
              "org.ttbus.Error.Access");
    EXPECT_EQ(sender.call(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, packed({"nobody"}, message_part)); }),
              "org.ttbus.Error.Procid");
    // Malformed: a part, a head.
    EXPECT_EQ(sender.call(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, packed({s}, "\x01\x02")); }),
              "org.ttbus.Error.Invalid");
    EXPECT_EQ(sender.call(peer_iface, "SendPacked", [&](sd_bus_message* m) { append(m, std::string("\x09\0\0\0ab", 6)); }),
              "org.ttbus.Error.Invalid");
    EXPECT_EQ(handler.call(peer_iface, "ReplyPacked", [&](sd_bus_message* m) { append(m, packed({h}, "")); }),
              "org.ttbus.Error.Invalid") << "no message id";
}

// An answer sent one-way (as libtt does on a compact link of version 3) that the broker refuses:
// nobody waits for a reply, so the broker logs it as a warning naming the procid, the message and
// the status, and nothing else changes: the request stays with its handler, who can still answer.
TEST(Peer, RefusedOneWayAnswersAreLogged) {
    namespace compact = protocol::compact;
    Client bus;
    const std::string address = peer_address(bus);
    Peer handler(address), sender(address);  // the sender keeps the a{sv} form
    EXPECT_EQ(handler.ask_compact(compact::one_way_answers_link_version), compact::one_way_answers_link_version);
    const std::string h = handler.join_with(HANDLE, "Echo");
    const std::string s = sender.open();
    const std::string id = "r1 " + s;
    peer_send(sender, s, REQUEST, "Echo", id);
    handler.wait_for("DeliveredBatch", h);
    auto answer = [&](const char* member, const std::string& of, std::vector<protocol::Arg> args) {
        handler.one_way(peer_iface, member, [&](sd_bus_message* m) {
            std::string part;
            compact::append_answer(part, args, 0, "");
            need(sd_bus_message_append(m, "ss", h.c_str(), of.c_str()), "ids");
            need(sd_bus_message_append_array(m, 'y', part.data(), part.size()), "part");
        });
    };
    const protocol::Arg pong{protocol::Mode::INOUT, "string", std::string("pong")};
    answer("ReplyCompact", "r9 " + s, {pong});  // a message the broker does not hold
    answer("FailCompact", id, {pong, pong});    // more args than the request has
    sender.one_way(procid_iface, "Reject", [&](sd_bus_message* m) {  // not the handler
        need(sd_bus_message_append(m, "ss", s.c_str(), id.c_str()), "ids");
    });
    const auto logged = [](const std::string& what) {
        const auto lines = broker_log_lines(what, 1);
        EXPECT_EQ(lines.size(), 1u) << what;
        return lines.empty() ? std::string() : lines[0];
    };
    std::string line = logged("message r9 " + s);
    EXPECT_NE(line.find("warning: one-way ReplyCompact"), std::string::npos) << line;
    EXPECT_NE(line.find("procid " + h), std::string::npos) << line;
    EXPECT_NE(line.find("TT_ERR_STATE"), std::string::npos) << line;
    line = logged("one-way FailCompact");
    EXPECT_NE(line.find("message " + id), std::string::npos) << line;
    EXPECT_NE(line.find("TT_ERR_NUM"), std::string::npos) << line;
    line = logged("one-way Reject");
    EXPECT_NE(line.find("procid " + s), std::string::npos) << line;
    EXPECT_NE(line.find("TT_ERR_NOTHANDLER"), std::string::npos) << line;
    EXPECT_TRUE(sender.quiet("Updated")) << "the request is still out";
    answer("ReplyCompact", id, {pong});
    PeerSignal u = sender.wait_for("Updated", s);
    EXPECT_EQ(u.message.at("id"), id);
    EXPECT_EQ(u.message.at("state"), std::to_string(HANDLED));
    EXPECT_EQ(u.message.args.at(0), "pong");
    EXPECT_EQ(broker_log_lines("refused").size(), 3u) << "the reply was taken";
}

// Stops the broker until the object goes: what peers send meanwhile waits in its sockets, and the
// broker finds it all there at once.
class BrokerStopped {
public:
    BrokerStopped() : pid_(broker_pid()) {
        need(kill(pid_, SIGSTOP) == 0 ? 0 : -errno, "SIGSTOP");
        for (std::string state; state != "T";) {
            std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
            std::string line;
            std::getline(stat, line);
            state = line.substr(line.rfind(')') + 2, 1);
        }
    }
    ~BrokerStopped() { kill(pid_, SIGCONT); }
    BrokerStopped(const BrokerStopped&) = delete;
    BrokerStopped& operator=(const BrokerStopped&) = delete;

private:
    pid_t pid_;
};

// Deliveries the broker makes while it works through a run of one peer's messages go to a procid
// of a version-2 compact peer as one DeliveredBatch, in the order they were made; a version-1 peer
// gets a DeliveredCompact each, as before batches; a delivery made alone goes out at once, as a
// batch of one.
TEST(Peer, DeliveriesOfOneRunGoOutAsOneBatch) {
    namespace compact = protocol::compact;
    Client bus;
    const std::string address = peer_address(bus);
    Peer sender(address), batched(address), older(address);
    EXPECT_EQ(sender.ask_compact(compact::batch_link_version), compact::batch_link_version);
    EXPECT_EQ(batched.ask_compact(compact::batch_link_version), compact::batch_link_version);
    EXPECT_EQ(older.ask_compact(1), 1u);
    const std::string o2 = batched.join_with(OBSERVE, "Note"), o1 = older.join_with(OBSERVE, "Note");
    const std::string s = sender.open();
    auto send_note = [&](const std::string& text) {
        protocol::Message note;
        note.body.cls = protocol::Class::NOTICE;
        note.body.address = protocol::Address::PROCEDURE;
        note.header.scope = protocol::Scope::SESSION;
        note.body.op = "Note";
        note.body.args = {{protocol::Mode::IN, "string", text}};
        sender.one_way(peer_iface, "SendCompact", [&](sd_bus_message* m) {
            std::string part;
            compact::append_message(part, note.body, note.header, protocol::Party::client);
            need(sd_bus_message_append(m, "s", s.c_str()), "procid");
            need(sd_bus_message_append_array(m, 'y', part.data(), part.size()), "part");
        });
    };
    constexpr int run = 4;  // messages of one peer the broker processes at a time (peers.cpp)
    constexpr int notes = run - 1;
    {
        BrokerStopped stopped;
        for (int i = 0; i < notes; ++i) send_note("n" + std::to_string(i));
        sender.flush();
    }
    PeerSignal b = batched.wait_for("DeliveredBatch", o2);
    ASSERT_EQ(b.parts.size(), 1u);
    const std::vector<compact::Delivered> batch = compact::read_batch(b.parts[0]);
    ASSERT_EQ(batch.size(), static_cast<std::size_t>(notes)) << "all in one";
    for (int i = 0; i < notes; ++i) {
        EXPECT_EQ(batch[i].message.body.args.at(0).value, protocol::Value(std::string("n" + std::to_string(i))));
        EXPECT_EQ(batch[i].message.body.sender, s);
        EXPECT_EQ(batch[i].delivery.delivery, static_cast<std::uint32_t>(protocol::Delivery::observe));
    }
    for (int i = 0; i < notes; ++i) {
        PeerSignal d = older.wait_for("DeliveredCompact", o1);
        ASSERT_EQ(d.parts.size(), 2u);
        protocol::MessageBody body;
        compact::read_body(d.parts[1], body);
        EXPECT_EQ(body.args.at(0).value, protocol::Value(std::string("n" + std::to_string(i))));
    }
    EXPECT_TRUE(older.quiet("DeliveredBatch"));
    EXPECT_TRUE(batched.quiet("DeliveredCompact"));
    // A reply to the sender follows what was held for others: once its call returns, the
    // observer's delivery has been written, though the broker goes on with more of the sender's
    // notices in the same run.
    sd_bus_message* call = nullptr;
    {
        BrokerStopped stopped;
        send_note("before the reply");
        call = sender.start_call(broker_iface, "DefaultSession");
        for (int i = 0; i < run - 2; ++i) send_note("after the reply");
        sender.flush();
    }
    sender.finish_call(call);
    EXPECT_GT(batched.unread(), 0);
    for (int i = 0; i < run - 1; ++i) older.wait_for("DeliveredCompact", o1);
    const std::vector<compact::Delivered> before = compact::read_batch(batched.wait_for("DeliveredBatch", o2).parts.at(0));
    ASSERT_EQ(before.size(), 1u) << "what was held when the reply went";
    EXPECT_EQ(before[0].message.body.args.at(0).value, protocol::Value(std::string("before the reply")));
    EXPECT_EQ(compact::read_batch(batched.wait_for("DeliveredBatch", o2).parts.at(0)).size(), static_cast<std::size_t>(run - 2)) << "those after it";
    send_note("alone");
    const std::vector<compact::Delivered> alone = compact::read_batch(batched.wait_for("DeliveredBatch", o2).parts.at(0));
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].message.body.args.at(0).value, protocol::Value(std::string("alone")));
    EXPECT_TRUE(batched.quiet("DeliveredCompact"));
}

TEST(Peer, ClientChosenIds) {
    Client c;
    std::string s = c.open();
    for (const std::string& id : {"c1 " + s + "x", "c1" + s, " " + s, std::string("c1 other"), "c1  " + s}) {
        EXPECT_EQ(error_of([&] { c.send(s, message(NOTICE, "Ids", id)); }), "org.ttbus.Error.Invalid") << "'" << id << "'";
    }
    std::string h = join_with(c, HANDLE, "Ids");
    const std::string id = "c1 " + s;
    EXPECT_EQ(c.send(s, message(REQUEST, "Ids", id)), id);
    EXPECT_EQ(error_of([&] { c.send(s, message(REQUEST, "Ids", id)); }), "org.ttbus.Error.State") << "still live";
    EXPECT_EQ(get<std::string>(c.wait_for("Delivered", h).message, "id"), id);
    EXPECT_EQ(c.send(s, message(NOTICE, "Ids", "notice:2 " + s)), "notice:2 " + s);
    // The same on a peer connection, where the answer is the call's.
    Peer p(peer_address(c));
    std::string ps = p.open();
    EXPECT_EQ(p.call(procid_iface, "Send",
                     [&](sd_bus_message* m) {
                         need(sd_bus_message_append(m, "s", ps.c_str()), "procid");
                         append_message(m, NOTICE, "Ids", "1 " + s);
                     }),
              "org.ttbus.Error.Invalid")
        << "an id of another procid";
}

// Only the broker's user may connect: another uid's connection is closed at once, and the broker
// goes on serving. The refusals are logged as the half-open connections' are: one line at once,
// the rest of the interval counted in one line at its end.
TEST(Peer, OtherUsersAreRefused) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to connect as another user";
    Client c;
    const std::string address = peer_address(c);
    const std::string path = address.substr(std::strlen("unix:path="));
    // Let uid 65534 reach the socket at all: the directories are the broker's user's only.
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    ASSERT_EQ(chmod(dir.parent_path().c_str(), 0711), 0);
    ASSERT_EQ(chmod(dir.c_str(), 0711), 0);
    ASSERT_EQ(chmod(path.c_str(), 0777), 0);
    constexpr int attempts = 40;
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
        for (int i = 0; i < attempts; ++i) {
            int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un sa{};
            sa.sun_family = AF_UNIX;
            std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
            if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) _exit(11);
            // Start the D-Bus handshake; the broker must hang up instead of answering.
            const char hello[] = "\0AUTH EXTERNAL 3635353334\r\n";
            if (send(fd, hello, sizeof hello - 1, MSG_NOSIGNAL) < 0 && errno != EPIPE && errno != ECONNRESET) _exit(12);
            timeval tv{5, 0};
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            char buf[256];
            ssize_t n = read(fd, buf, sizeof buf);
            if (!(n == 0 || (n < 0 && errno == ECONNRESET))) _exit(13);
            close(fd);
        }
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10/11: set-up failed, 12: write, 13: the broker answered";
    Peer p(address);
    EXPECT_FALSE(p.open().empty()) << "still serving peers";
    EXPECT_FALSE(c.open().empty()) << "still serving the bus";
    std::vector<std::string> lines = broker_log_lines("from uid 65534");
    ASSERT_EQ(lines.size(), 1u) << "one line at once, the rest counted";
    EXPECT_NE(lines[0].find("only the broker's user may connect"), std::string::npos) << lines[0];
    lines = broker_log_lines("from uid 65534", 2);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[1].find(std::to_string(attempts - 1) + " more peer connections refused or closed"), std::string::npos)
        << lines[1];
}

// At most 256 peers at once: the next is closed at once; a place frees when one hangs up.
// A refused connection is closed at once: the refusal shows in the client's handshake (a broken
// pipe) or in its first call, whichever the timing gives. "" when the call went through.
std::string default_session_on_new_peer(const std::string& address) {
    try {
        Peer p(address);
        return p.call(broker_iface, "DefaultSession");
    } catch (const std::exception& e) {
        return e.what();
    }
}

TEST(Peer, PeerLimit) {
    Client c;
    const std::string address = peer_address(c);
    std::vector<std::unique_ptr<Peer>> peers;
    for (int i = 0; i < 256; ++i) {
        peers.push_back(std::make_unique<Peer>(address));
        ASSERT_EQ(peers.back()->call(broker_iface, "DefaultSession"), "") << "peer " << i;
    }
    EXPECT_NE(default_session_on_new_peer(address), "") << "the 257th is refused";
    peers.front()->hang_up();
    std::string error = "pending";
    for (int i = 0; i < 100 && !error.empty(); ++i) {
        error = default_session_on_new_peer(address);
        if (!error.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(error, "");
}

// A peer that does not read is closed once 32 MiB wait to be written to it, and dies as if it had
// hung up (the request it held fails with TT_ERR_PROCID); the sender is told nothing, an observer
// that reads gets every notice, and the broker's memory stays bounded.
TEST(Peer, APeerThatDoesNotReadIsClosed) {
    constexpr int notices = 300;
    const std::string big(3 << 20, 'x');
    Client requester;
    const std::string address = peer_address(requester);
    const pid_t pid = broker_pid();
    Peer slow(address);
    const std::string slow_observer = slow.join_with(OBSERVE, "Big");
    const std::string slow_handler = slow.join_with(HANDLE, "Held");
    const std::string r = requester.open();
    const std::string held = requester.send(r, message(REQUEST, "Held"));
    EXPECT_EQ(slow.wait_for("Delivered", slow_handler).message.at("id"), held);

    std::atomic<bool> observing{false};
    int received = 0;
    std::thread reader([&] {
        Peer observer(address);
        const std::string o = observer.join_with(OBSERVE, "Big");
        observing = true;
        for (int i = 0; i < notices; ++i) {
            PeerSignal d = observer.wait_for("Delivered", o, std::chrono::seconds(30));
            if (d.message.args.size() != 1 || d.message.args[0].size() != big.size()) break;
            ++received;
        }
    });
    while (!observing) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Peer sender(address);
    const std::string s = sender.open();
    int refused = 0;
    for (int i = 0; i < notices; ++i) {
        refused += sender.call(procid_iface, "Send", [&](sd_bus_message* m) {
            need(sd_bus_message_append(m, "s", s.c_str()), "procid");
            append_message(m, NOTICE, "Big", {}, big.c_str());
        }).empty() ? 0 : 1;
    }
    reader.join();
    EXPECT_EQ(refused, 0) << "the sender pays nothing for a slow reader";
    EXPECT_EQ(received, notices) << "an observer that reads gets everything";
    Signal u = requester.wait_for("Updated", r);
    EXPECT_EQ(get<std::int32_t>(u.message, "state"), FAILED);
    EXPECT_EQ(get<std::int32_t>(u.message, "status"), 1042) << "TT_ERR_PROCID, as for a handler that died";
    for (const auto& procid : {slow_observer, slow_handler}) {
        EXPECT_EQ(error_of([&] { requester.proxy().callMethod("ProcidInfo").onInterface(broker_iface).withArguments(procid); }),
                  "org.ttbus.Error.Procid");
    }
    const long peak_mib = status_kib(pid, "VmHWM") / 1024;
    std::cout << "broker peak RSS: " << peak_mib << " MiB for " << notices << " notices of 3 MiB\n";
    // The bound: 256 MiB waiting for all peers (the reading observer may lag too), the message in
    // hand and its copies, the idle broker.
#if defined(__SANITIZE_ADDRESS__)
    constexpr long bound_mib = 800;  // ASan keeps up to 256 MiB of freed memory in quarantine
#else
    constexpr long bound_mib = 300;
#endif
    EXPECT_LT(peak_mib, bound_mib);
}

// One client's flood of notices costs another client's request/reply little: the broker serves its
// connections in turn (bounds loose enough for a loaded 2-core machine; bench/run measures it).
TEST(Peer, AFloodCostsAnInnocentRequesterLittle) {
    constexpr int round_trips = 200, observers = 4;
    Client bus;
    const std::string address = peer_address(bus);
    std::atomic<int> ready{0};
    std::thread handler_thread([&] {
        Peer handler(address);
        const std::string h = handler.join_with(HANDLE, "Echo");
        ++ready;
        for (int i = 0; i < 2 * round_trips; ++i) {
            PeerSignal d = handler.wait_for("Delivered", h, std::chrono::seconds(30));
            peer_reply(handler, h, d.message.at("id"), "pong");
        }
        handler.call(broker_iface, "DefaultSession");  // the last reply is out
    });
    Peer requester(address);
    const std::string r = requester.open();
    while (ready < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    int next_id = 0;
    auto measure = [&] {
        std::vector<double> ms;
        for (int i = 0; i < round_trips; ++i) {
            const std::string id = std::to_string(++next_id) + " " + r;
            const auto t0 = std::chrono::steady_clock::now();
            peer_send(requester, r, REQUEST, "Echo", id);
            EXPECT_EQ(requester.wait_for("Updated", r, std::chrono::seconds(30)).message.at("state"), std::to_string(HANDLED));
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        return std::pair{ms[ms.size() / 2], ms[ms.size() * 99 / 100]};
    };
    const auto quiet = measure();

    // The flood goes on until the measurement is over, then ends with "end".
    std::vector<std::thread> readers;
    for (int k = 0; k < observers; ++k) {
        readers.emplace_back([&] {
            Peer observer(address);
            const std::string o = observer.join_with(OBSERVE, "Flood");
            ++ready;
            for (;;) {
                PeerSignal d = observer.wait_for("Delivered", o, std::chrono::seconds(60));
                if (d.member.empty() || d.message.args.at(0) == "end") break;
            }
        });
    }
    while (ready < 1 + observers) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::atomic<bool> measuring{true};
    std::atomic<int> flooded{0};
    std::thread flooder([&] {
        Peer f(address);
        const std::string s = f.open();
        auto notice = [&](const char* arg) {
            f.one_way(procid_iface, "Send", [&](sd_bus_message* m) {
                need(sd_bus_message_append(m, "s", s.c_str()), "procid");
                append_message(m, NOTICE, "Flood", {}, arg);
            });
        };
        while (measuring && flooded < 40000) {  // a bound for a slow (sanitizer) build
            notice("0123456789abcdef");
            ++flooded;
        }
        notice("end");
        f.call(broker_iface, "DefaultSession");  // everything sent is taken
    });
    while (flooded < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto loaded = measure();
    measuring = false;
    flooder.join();
    for (auto& t : readers) t.join();
    handler_thread.join();
    std::cout << "innocent round trip, median/p99: quiet " << quiet.first << "/" << quiet.second << " ms, during a flood "
              << loaded.first << "/" << loaded.second << " ms (" << flooded << " notices to " << observers
              << " observers meanwhile)\n";
    EXPECT_LT(loaded.first, std::max(5 * quiet.first, 25.0)) << "median";
    // p99 of 200 is the second-worst round trip: on a 2-core machine shared with builds (load 11)
    // two scheduling stalls of 300 ms were seen; starvation behind the flood would take seconds.
    EXPECT_LT(loaded.second, std::max(5 * quiet.second, 1000.0)) << "p99";
}

// One-way calls of `member` on the broker's object, as a client writes them on the wire (little
// endian, no body), serials from `first` on.
std::string one_way_calls(const char* iface, const char* member, std::uint32_t first, int count) {
    auto pad = [](std::string& s, std::size_t to) { s.resize((s.size() + to - 1) / to * to, '\0'); };
    auto u32 = [](std::string& s, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
    };
    std::string fields;  // begins at offset 16, a multiple of 8 as the message's
    auto field = [&](char code, char type, const std::string& value) {
        pad(fields, 8);
        fields += {code, 1, type, '\0'};
        u32(fields, static_cast<std::uint32_t>(value.size()));
        fields += value;
        fields.push_back('\0');
    };
    field(1, 'o', broker_path);
    field(2, 's', iface);
    field(3, 's', member);
    std::string out;
    for (int i = 0; i < count; ++i) {
        std::string m = {'l', 1, 1 /* NO_REPLY_EXPECTED */, 1};
        u32(m, 0);  // no body
        u32(m, first + static_cast<std::uint32_t>(i));
        u32(m, static_cast<std::uint32_t>(fields.size()));
        m += fields;
        pad(m, 8);
        out += m;
    }
    return out;
}

// The handshake of a client that does not wait for the broker's answers (EXTERNAL, our uid).
std::string handshake_at_once() {
    std::string uid_hex;
    for (char c : std::to_string(getuid())) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", static_cast<unsigned char>(c));
        uid_hex += two;
    }
    return std::string("\0AUTH EXTERNAL ", 15) + uid_hex + "\r\nBEGIN\r\n";
}

// A client that writes its calls right behind its handshake and then without pause (sd-bus reads
// part of them with the handshake) is served in turn with the others, not until it pauses: another
// client connects and is answered meanwhile.
TEST(Peer, AFloodFromTheFirstMessageLetsOthersIn) {
    Client bus;
    const std::string address = peer_address(bus);
    const std::string hello = handshake_at_once();
    const std::string calls = one_way_calls(broker_iface, "Status", 1, 256);
    const int fd = raw_connection(address);
    std::atomic<bool> flooding{true};
    std::atomic<long> written{0};
    std::thread flooder([&] {
        const std::string first = hello + calls;
        bool ok = send(fd, first.data(), first.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(first.size());
        // Blocking writes of 16 whole calls each, small enough for the socket to take each at
        // once (the broker never finds half a call, which it would wait for): the socket stays
        // full while the broker reads. It stops by itself.
        const std::size_t one = calls.size() / 16;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (ok && flooding && std::chrono::steady_clock::now() < until) {
            for (std::size_t at = 0; ok && at < calls.size(); at += one) {
                ok = send(fd, calls.data() + at, one, MSG_NOSIGNAL) == static_cast<ssize_t>(one);
            }
            written += 256;
        }
    });
    while (written < 10'000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto t0 = std::chrono::steady_clock::now();
    Peer innocent(address);
    EXPECT_NE(innocent.open(), "");
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long meanwhile = written;
    flooding = false;
    flooder.join();
    close(fd);
    std::cout << "a newcomer was answered after " << took * 1000 << " ms; " << meanwhile
              << " one-way calls were written meanwhile\n";
    // Served only when the flooder pauses, it waits as long as the flooder keeps the socket full
    // (130 ms to 1.2 s in half of the runs before the fix, up to the call's 5 s timeout).
    EXPECT_LT(took, 1.0) << "the newcomer waited for the flooder";
    EXPECT_EQ(innocent.string_call(broker_iface, "DefaultSession"), default_session(bus)) << "the broker still serves";
}

// A flooder pays while another client is served: the broker reads it a message at a time with
// rests between (docs/dbus-api.md, Bounds of the peer transport), so it gets through far fewer of
// its calls while a client makes calls one after another than alone, and is read at full speed
// again once that client has gone quiet.
TEST(Peer, AFlooderRestsWhileOthersAreServed) {
    Client bus;
    const std::string address = peer_address(bus);
    const std::string calls = one_way_calls(broker_iface, "Status", 1, 64);
    const int fd = raw_connection(address);
    std::atomic<bool> flooding{true};
    std::atomic<long> written{0};
    std::thread flooder([&] {
        const std::string first = handshake_at_once() + calls;
        bool ok = send(fd, first.data(), first.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(first.size());
        // Whole calls, 16 at a time: the socket takes each write at once or blocks until the
        // broker has read enough (it never finds half a call).
        const std::size_t sixteen = calls.size() / 4;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (ok && flooding && std::chrono::steady_clock::now() < until) {
            ok = send(fd, calls.data(), sixteen, MSG_NOSIGNAL) == static_cast<ssize_t>(sixteen);
            written += 16;
        }
    });
    while (written < 10'000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // Calls the flooder got through in `span`, while `during` runs (it returns when it is over).
    auto flooded_in = [&](std::chrono::milliseconds span, const std::function<void(std::chrono::steady_clock::time_point)>& during) {
        const auto t0 = std::chrono::steady_clock::now();
        const long w0 = written;
        during(t0 + span);
        return static_cast<double>(written - w0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    auto sleep_until = [](std::chrono::steady_clock::time_point t) { std::this_thread::sleep_until(t); };
    const double alone = flooded_in(std::chrono::milliseconds(200), sleep_until);
    Peer innocent(address);
    EXPECT_NE(innocent.open(), "");
    int calls_made = 0;
    const double while_served = flooded_in(std::chrono::milliseconds(200), [&](std::chrono::steady_clock::time_point end) {
        while (std::chrono::steady_clock::now() < end) {
            EXPECT_EQ(innocent.string_call(broker_iface, "DefaultSession"), default_session(bus));
            ++calls_made;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the innocent quiet for longer than 10 ms
    const double again = flooded_in(std::chrono::milliseconds(200), sleep_until);
    flooding = false;
    flooder.join();
    close(fd);
    std::cout << "the flooder's calls a second: alone " << alone << ", while another made " << calls_made
              << " calls one after another " << while_served << ", alone again " << again << "\n";
    // Measured: a tenth to a fiftieth while served (debug build, loaded 2-core machine).
    EXPECT_LT(while_served, alone / 3) << "the flooder did not pay";
    EXPECT_GT(again, 3 * while_served) << "read at full speed again once the other went quiet";
    EXPECT_GT(calls_made, 20) << "the innocent was served";
}

// Connections that never authenticate lock nobody out: each is closed after 2 s, at most 64 wait
// at once (a newcomer takes the place of the oldest), and the log says so in a bounded number of
// lines.
TEST(Peer, HalfOpenConnectionsLockNobodyOut) {
    Client c;
    const std::string address = peer_address(c);
    std::vector<int> silent;
    for (int i = 0; i < 300; ++i) {
        silent.push_back(raw_connection(address));
        if (i % 2 == 1) {  // half of them begin the handshake and stop
            const char part[] = "\0AUTH EXTERNAL";
            ASSERT_EQ(send(silent.back(), part, sizeof part - 1, MSG_NOSIGNAL), static_cast<ssize_t>(sizeof part - 1));
        }
    }
    const auto start = std::chrono::steady_clock::now();
    Peer legitimate(address);
    EXPECT_FALSE(legitimate.open().empty());
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, std::chrono::seconds(2)) << "a legitimate client connects at once";
    // Every silent connection is closed by the broker (EOF) within its handshake time.
    for (int fd : silent) {
        timeval tv{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[64];
        ssize_t n = 0;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
        }
        EXPECT_TRUE(n == 0 || errno == ECONNRESET) << "still open: " << std::strerror(errno);
        close(fd);
    }
    EXPECT_LE(broker_log_lines("authenticat").size(), 1u) << "one line at once, the rest counted";
    // The interval's count comes in one line at its end.
    std::vector<std::string> lines = broker_log_lines("authenticat", 2);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[1].find("299 more peer connections refused or closed"), std::string::npos) << lines[1];
    EXPECT_FALSE(legitimate.open().empty()) << "the legitimate client was never closed";
}

// Out of file descriptors, the broker neither spins on the readable listening socket nor stops
// listening: it rests, and accepts again once descriptors are free.
TEST(Peer, OutOfDescriptorsTheBrokerRestsAndRecovers) {
    Client c;
    const std::string address = peer_address(c);
    const pid_t pid = broker_pid();
    auto open_fds = [&] {
        auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd");
        return static_cast<rlim_t>(std::distance(it, std::filesystem::directory_iterator()));
    };
    auto cpu_ticks = [&] {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        std::istringstream fields(text.substr(text.rfind(')') + 2));
        std::string skip;
        for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
        long utime = 0, stime = 0;
        fields >> utime >> stime;
        return utime + stime;
    };
    rlimit saved{};
    ASSERT_EQ(prlimit(static_cast<pid_t>(pid), RLIMIT_NOFILE, nullptr, &saved), 0);
    const rlimit tight{open_fds(), saved.rlim_max};
    ASSERT_EQ(prlimit(static_cast<pid_t>(pid), RLIMIT_NOFILE, &tight, nullptr), 0);
    std::vector<int> waiting;
    for (int i = 0; i < 3; ++i) waiting.push_back(raw_connection(address));  // queued by the kernel
    const long before = cpu_ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_LT(cpu_ticks() - before, 15) << "the broker spins on a socket it cannot accept from";
    ASSERT_EQ(prlimit(static_cast<pid_t>(pid), RLIMIT_NOFILE, &saved, nullptr), 0);
    for (int fd : waiting) close(fd);
    std::string error = "pending";
    for (int i = 0; i < 100 && !error.empty(); ++i) {
        Peer again(address);
        error = again.call(broker_iface, "DefaultSession");
        if (!error.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(error, "") << "accepting again";
}

// Without XDG_RUNTIME_DIR the broker has no socket: PeerAddress fails with Unimp. This case runs
// its own broker (busenv --no-broker).
TEST(Peer, NoRuntimeDirectoryNoPeerAddress) {
    const char* ttbusd = std::getenv("TTBUSD");
    ASSERT_NE(ttbusd, nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        unsetenv("XDG_RUNTIME_DIR");
        execl(ttbusd, ttbusd, static_cast<char*>(nullptr));
        _exit(127);
    }
    std::string error = "pending";
    for (int i = 0; i < 300 && error == "pending"; ++i) {
        try {
            Client probe;
            std::string address;
            probe.proxy().callMethod("PeerAddress").onInterface(broker_iface).storeResultsTo(address);
            error = "";
        } catch (const sdbus::Error& e) {
            if (e.getName() == "org.freedesktop.DBus.Error.ServiceUnknown") {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            } else {
                error = e.getName();
            }
        }
    }
    EXPECT_EQ(error, "org.ttbus.Error.Unimp");
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace ttbus::test
