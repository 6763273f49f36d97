// One D-Bus connection to ttbusd, owned by one procid (a procid belongs to the connection that
// opened it). No threads: the program drives it by calling the API, and watches fd().
//
// The connection is a private peer-to-peer one to the broker's socket when the broker announces
// one (the bus daemon then stays out of every message's way), else one through the user's bus.
//
// fd() is an epoll descriptor over the bus socket and an eventfd. The eventfd is kept readable
// exactly while the procid has deliveries waiting (set_ready); the socket makes fd() readable when
// new data arrives, so the program calls tt_message_receive, which reads it. sd-bus may already
// hold messages it read during a method call, so after every call those are dispatched (pump)
// before anyone decides whether something is waiting. sd-bus reads no further than the message it
// needs, so once it holds nothing, whatever else has arrived is still in the socket, readable:
// nothing is read just to find out that nothing is there.
#pragma once

#include <Tt/tt_c.h>

#include "protocol/names.h"

#include <systemd/sd-bus.h>

#include <functional>
#include <memory>
#include <string>

namespace ttc {

// Where the broker is (protocol/names.h).
inline constexpr const char* BROKER_NAME = ttbus::protocol::broker_bus_name;
inline constexpr const char* BROKER_PATH = ttbus::protocol::broker_object_path;
inline constexpr const char* BROKER_IFACE = ttbus::protocol::broker_interface;
inline constexpr const char* PROCID_IFACE = ttbus::protocol::procid_interface;
inline constexpr const char* PEER_IFACE = ttbus::protocol::peer_interface;

// A method reply, released when it goes out of scope.
struct Reply {
    sd_bus_message* m = nullptr;
    Reply() = default;
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;
    ~Reply() { sd_bus_message_unref(m); }
};

class Connection {
public:
    using Build = std::function<int(sd_bus_message*)>;
    using SignalHandler = std::function<void(sd_bus_message*)>;

    // Connects to ttbusd: straight to its peer socket when one is known (TTBUS_PEER_ADDRESS, which
    // the broker gives the handlers it starts, then the stable $XDG_RUNTIME_DIR/ttbus/socket, then
    // Broker1.PeerAddress asked on the user's bus), else through the bus, subscribed to this
    // connection's deliveries; with no broker anywhere, starts one (connect.h) and uses its
    // socket. TTBUS_TRANSPORT=bus keeps to the bus.
    static Tt_status open(std::unique_ptr<Connection>& out);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Calls a method of the broker (starting it by D-Bus activation if needed). build appends the
    // arguments. A D-Bus error becomes the status its message starts with; failing to reach the
    // broker at all is TT_ERR_NOMP. The connection is pumped afterwards.
    Tt_status call(const char* iface, const char* member, const Build& build, Reply* reply = nullptr);
    // The same call, written out now, its reply not awaited: `done` gets it (or the error) when the
    // connection is pumped, in the order the broker sent it, before anything it sent after it.
    Tt_status ask(const char* iface, const char* member, const Build& build, sd_bus_message_handler_t done,
                  void* userdata);
    // The same call, one-way: written out now, no reply awaited. Failures the broker finds later
    // come back as state updates (see Procid1.Send in docs/dbus-api.md).
    Tt_status post(const char* iface, const char* member, const Build& build);

    // Dispatches the messages sd-bus holds, without reading the socket; with `wanted`, also reads
    // the socket, without blocking, for as long as wanted() holds and something has arrived.
    // False when the connection is gone.
    bool pump(const std::function<bool()>& wanted = {});
    bool broken() const { return broken_; }
    bool peer() const { return peer_; }

    int fd() const { return epoll_fd_; }
    void set_ready(bool ready);
    // handler takes each signal; settle runs after a call has dispatched the signals that came
    // with its reply, so that the owner brings fd() up to date once, not once per signal.
    void on_signal(SignalHandler handler, std::function<void()> settle) {
        handler_ = std::move(handler);
        settle_ = std::move(settle);
    }

private:
    Connection() = default;
    // To `address`, or (address null) over the connected socket `fd`, which it takes.
    int connect_peer(const char* address, int fd = -1);
    int new_call(sd_bus_message** m, const char* iface, const char* member, const Build& build);
    Tt_status failed(int r);
    // sd-bus holds messages not yet dispatched (or is closing): it asks for no input meanwhile.
    bool holds() const;
    static int filter(sd_bus_message* m, void* userdata, sd_bus_error* error);

    sd_bus* bus_ = nullptr;
    sd_bus_slot* filter_slot_ = nullptr;
    int epoll_fd_ = -1;
    int event_fd_ = -1;
    bool ready_ = false;
    bool broken_ = false;
    bool peer_ = false;  // a peer-to-peer connection: the other end is the broker
    std::string broker_;  // the broker's unique name, learnt from its first reply
    SignalHandler handler_;
    std::function<void()> settle_;
};

}  // namespace ttc
