#include "bus.h"

#include "connect.h"

#include "protocol/errors.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace ttc {

namespace {

// Deliveries are unicast signals; dbus-broker only routes them to connections with a matching rule.
constexpr const char* MATCH_RULE =
    "type='signal',sender='org.ttbus.Broker1',interface='org.ttbus.Procid1',path='/org/ttbus/Broker1'";

// A ttbus error carries its status (protocol/errors.h); one that carries none, or a number that
// is no Tt_status, is the broker's internal trouble.
Tt_status status_of(const sd_bus_error& e) {
    namespace protocol = ttbus::protocol;
    if (e.name != nullptr && std::string_view(e.name).starts_with(protocol::error_prefix)) {
        const auto n = protocol::error_status(e.name, e.message != nullptr ? e.message : "");
        if (!n || *n <= 0 || *n >= TT_STATUS_LAST) return TT_ERR_INTERNAL;
        return static_cast<Tt_status>(*n);
    }
    // No broker, no activation, a dead connection, a timeout: no message server to talk to.
    return TT_ERR_NOMP;
}

bool bus_only() {
    const char* t = std::getenv("TTBUS_TRANSPORT");
    return t != nullptr && std::strcmp(t, "bus") == 0;
}

}  // namespace

int Connection::connect_peer(const char* address, int fd) {
    sd_bus* peer = nullptr;
    int r = sd_bus_new(&peer);
    if (r < 0 && fd >= 0) close(fd);
    if (r >= 0) r = address != nullptr ? sd_bus_set_address(peer, address) : sd_bus_set_fd(peer, fd, fd);
    if (r >= 0) r = sd_bus_start(peer);
    if (r < 0) {
        sd_bus_unref(peer);  // with the socket it was given
        return r;
    }
    bus_ = peer;
    peer_ = true;
    return 0;
}

Tt_status Connection::open(std::unique_ptr<Connection>& out) {
    std::unique_ptr<Connection> c(new Connection());
    const bool peer_wanted = !bus_only();
    // A started handler is told the address; any program finds the broker's socket at its
    // stable place ($XDG_RUNTIME_DIR/ttbus/socket, where systemd may start the broker). A stale
    // address (the broker it named is gone) just means trying the next way.
    const char* told = peer_wanted ? std::getenv("TTBUS_PEER_ADDRESS") : nullptr;
    if (told != nullptr && *told != '\0') c->connect_peer(told);
    if (peer_wanted && !c->peer_) {
        int fd = connect_broker_socket();
        if (fd >= 0) c->connect_peer(nullptr, fd);
    }
    bool broker_on_bus = false;
    if (!c->peer_ && sd_bus_open_user(&c->bus_) >= 0) {
        Reply reply;
        const char* address = nullptr;
        // Calling the broker's name starts it by D-Bus activation if needed. Any answer of the
        // broker's own (even "no socket") means it is there.
        Tt_status s = c->call(BROKER_IFACE, "PeerAddress", {}, &reply);
        broker_on_bus = s != TT_ERR_NOMP;
        if (peer_wanted && s == TT_OK && sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_STRING, &address) >= 0) {
            sd_bus* bus = c->bus_;
            if (c->connect_peer(address) >= 0) {
                sd_bus_flush_close_unref(bus);
            } else {
                c->bus_ = bus;
            }
        }
    }
    // Neither a socket nor a broker on the bus: start one, as classic libtt started ttsession.
    if (!c->peer_ && !broker_on_bus) {
        c->bus_ = sd_bus_flush_close_unref(c->bus_);
        c->broken_ = false;
        int fd = peer_wanted ? start_broker() : -1;
        if (fd < 0 || c->connect_peer(nullptr, fd) < 0) return TT_ERR_NOMP;
    }
    if (!c->peer_) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(c->bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                   "AddMatch", &error, nullptr, "s", MATCH_RULE);
        sd_bus_error_free(&error);
        if (r < 0) return TT_ERR_NOMP;
    }
    if (sd_bus_add_filter(c->bus_, &c->filter_slot_, &Connection::filter, c.get()) < 0) return TT_ERR_INTERNAL;

    c->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    c->event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->epoll_fd_ < 0 || c->event_fd_ < 0) return TT_ERR_NOMEM;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = c->event_fd_;
    if (epoll_ctl(c->epoll_fd_, EPOLL_CTL_ADD, c->event_fd_, &ev) < 0) return TT_ERR_INTERNAL;
    ev.data.fd = sd_bus_get_fd(c->bus_);
    if (ev.data.fd < 0 || epoll_ctl(c->epoll_fd_, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0) return TT_ERR_INTERNAL;
    out = std::move(c);
    return TT_OK;
}

Connection::~Connection() {
    sd_bus_slot_unref(filter_slot_);
    sd_bus_flush_close_unref(bus_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (event_fd_ >= 0) close(event_fd_);
}

int Connection::new_call(sd_bus_message** m, const char* iface, const char* member, const Build& build) {
    // A peer connection has no names: the other end is the broker.
    int r = sd_bus_message_new_method_call(bus_, m, peer_ ? nullptr : BROKER_NAME, BROKER_PATH, iface, member);
    if (r >= 0 && build) r = build(*m);
    return r;
}

Tt_status Connection::failed(int r) {
    if (sd_bus_is_open(bus_) <= 0) broken_ = true;
    if (broken_) return TT_ERR_NOMP;
    return r == -ENOMEM ? TT_ERR_NOMEM : TT_ERR_INTERNAL;
}

Tt_status Connection::call(const char* iface, const char* member, const Build& build, Reply* reply) {
    if (broken_) return TT_ERR_NOMP;
    sd_bus_message* m = nullptr;
    int r = new_call(&m, iface, member, build);
    if (r < 0) {
        sd_bus_message_unref(m);
        return r == -ENOMEM ? TT_ERR_NOMEM : TT_ERR_INTERNAL;
    }
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* answer = nullptr;
    // Broker calls that wait for a ToolTalk handler reply asynchronously, so the default timeout
    // only matters when the broker itself is stuck.
    r = sd_bus_call(bus_, m, 0, &error, &answer);
    sd_bus_message_unref(m);
    Tt_status status = TT_OK;
    if (r < 0) {
        status = status_of(error);
        if (sd_bus_is_open(bus_) <= 0) broken_ = true;
    } else if (broker_.empty() && !peer_) {
        const char* sender = sd_bus_message_get_sender(answer);
        if (sender != nullptr) broker_ = sender;
    }
    sd_bus_error_free(&error);
    if (reply != nullptr && status == TT_OK) {
        reply->m = answer;
    } else {
        sd_bus_message_unref(answer);
    }
    pump();
    if (settle_) settle_();
    return status;
}

Tt_status Connection::ask(const char* iface, const char* member, const Build& build, sd_bus_message_handler_t done,
                          void* userdata) {
    if (broken_) return TT_ERR_NOMP;
    sd_bus_message* m = nullptr;
    int r = new_call(&m, iface, member, build);
    // A floating slot: the connection keeps the pending reply, and drops it when it closes.
    if (r >= 0) r = sd_bus_call_async(bus_, nullptr, m, done, userdata, 0);
    sd_bus_message_unref(m);
    return r < 0 ? failed(r) : TT_OK;
}

Tt_status Connection::post(const char* iface, const char* member, const Build& build) {
    if (broken_) return TT_ERR_NOMP;
    sd_bus_message* m = nullptr;
    int r = new_call(&m, iface, member, build);
    if (r >= 0) r = sd_bus_message_set_expect_reply(m, 0);
    if (r >= 0) r = sd_bus_send(bus_, m, nullptr);
    sd_bus_message_unref(m);
    // Written out now: the program may next wait on tt_fd, which only watches for input.
    if (r >= 0) r = sd_bus_flush(bus_);
    return r < 0 ? failed(r) : TT_OK;
}

bool Connection::holds() const {
    const int events = sd_bus_get_events(bus_);
    return events >= 0 && (events & POLLIN) == 0;
}

bool Connection::pump(const std::function<bool()>& wanted) {
    while (!broken_ && (holds() || (wanted && wanted()))) {
        int r = sd_bus_process(bus_, nullptr);
        if (r < 0) broken_ = true;
        if (r <= 0) break;
    }
    return !broken_;
}

void Connection::set_ready(bool ready) {
    if (ready == ready_) return;
    std::uint64_t one = 1;
    std::uint64_t drained = 0;
    ssize_t n = ready ? write(event_fd_, &one, sizeof one) : read(event_fd_, &drained, sizeof drained);
    if (n == static_cast<ssize_t>(sizeof one)) ready_ = ready;
}

// Takes our signals, and only when they come from the broker we talked to (anyone on the bus can
// send a unicast signal).
int Connection::filter(sd_bus_message* m, void* userdata, sd_bus_error* /*error*/) {
    auto* self = static_cast<Connection*>(userdata);
    std::uint8_t type = 0;
    if (sd_bus_message_get_type(m, &type) < 0 || type != SD_BUS_MESSAGE_SIGNAL) return 0;
    const char* iface = sd_bus_message_get_interface(m);
    const char* sender = sd_bus_message_get_sender(m);
    if (iface == nullptr || (std::strcmp(iface, PROCID_IFACE) != 0 && (!self->peer_ || std::strcmp(iface, PEER_IFACE) != 0))) {
        return 0;
    }
    if (!self->peer_ && (sender == nullptr || self->broker_ != sender)) return 0;
    if (self->handler_) self->handler_(m);
    return 1;
}

}  // namespace ttc
