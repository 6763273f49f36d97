// The broker's peer-to-peer transport: a Unix socket, $XDG_RUNTIME_DIR/ttbus/ttbusd-<pid>.sock,
// for clients of the broker's own user that want a private D-Bus connection instead of the bus.
//
// The listener accepts, checks the peer's credentials (SO_PEERCRED: only `uid`), and hands every
// accepted socket on; the D-Bus protocol on it is the service's business.
#pragma once

#include "handles.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <string>

namespace ttbus::dbus {

class PeerListener {
public:
    // Called with an accepted socket (the callee owns it) and its peer's credentials.
    using Accepted = std::function<void(int fd, const ucred& peer)>;

    // Listens on <directory>/ttbusd-<pid>.sock: the directory is created (0700) if missing, a stale
    // socket of that name is removed. Returns null and says why in `error` when it cannot.
    static std::unique_ptr<PeerListener> open(sd_event* event, const std::string& directory, uid_t uid,
                                              Accepted accepted, std::string* error);
    ~PeerListener();  // closes and removes the socket
    PeerListener(const PeerListener&) = delete;
    PeerListener& operator=(const PeerListener&) = delete;

    const std::string& path() const { return path_; }
    // The D-Bus address of the socket: "unix:path=<escaped path>".
    const std::string& address() const { return address_; }

private:
    PeerListener() = default;
    static int on_ready(sd_event_source* source, int fd, std::uint32_t events, void* userdata);
    static int resume(sd_event_source* source, std::uint64_t usec, void* userdata);
    // Out of descriptors: stop watching the socket for a moment (the pending connection would keep
    // it readable and the loop spinning).
    void pause();

    int fd_ = -1;
    uid_t uid_ = 0;
    std::string path_;
    std::string address_;
    Accepted accepted_;
    SourcePtr source_;
    SourcePtr resume_;
};

// D-Bus address escaping: bytes outside [-0-9A-Za-z_/.\*] become %XX.
std::string escape_address_value(const std::string& s);

}  // namespace ttbus::dbus
