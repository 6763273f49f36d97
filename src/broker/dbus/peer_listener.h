// The broker's peer-to-peer transport: a Unix socket at the user's stable address,
// $XDG_RUNTIME_DIR/ttbus/socket, for clients of the broker's own user that want a private D-Bus
// connection instead of the bus — and for legacy programs where there is no bus at all.
//
// The socket is systemd's (ttbusd.socket: the first connection started the broker) or bound
// here. One broker per user: binding happens under a lock (socket.lock beside the socket), a
// socket that answers belongs to a live broker, one that refuses is a dead broker's and is
// replaced.
//
// The listener accepts, checks the peer's credentials (SO_PEERCRED: only `uid`), and hands every
// accepted socket on; the D-Bus protocol on it is the service's business. What it refuses (another
// user, a failed accept) goes to the service's refusal log, so that a flood of them cannot fill the
// log.
#pragma once

#include "handles.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace ttbus::dbus {

class RefusalLog;

class PeerListener {
public:
    // Called with an accepted socket (the callee owns it) and its peer's credentials.
    using Accepted = std::function<void(int fd, const ucred& peer)>;

    // Listens on the socket systemd passed (LISTEN_FDS), else on <directory>/socket: the directory
    // is created (0700) if missing, a stale socket there is replaced. Returns null and says why in
    // `error` when it cannot; throws AlreadyServed when another broker answers there. `refusals`
    // must outlive the listener.
    static std::unique_ptr<PeerListener> open(sd_event* event, const std::string& directory, uid_t uid,
                                              RefusalLog& refusals, Accepted accepted, std::string* error);
    ~PeerListener();  // closes the socket, and removes it if it was bound here
    PeerListener(const PeerListener&) = delete;
    PeerListener& operator=(const PeerListener&) = delete;

    const std::string& path() const { return path_; }
    // The D-Bus address of the socket: "unix:path=<escaped path>".
    const std::string& address() const { return address_; }

private:
    explicit PeerListener(RefusalLog& refusals) : refusals_(refusals) {}
    static int on_ready(sd_event_source* source, int fd, std::uint32_t events, void* userdata);
    static int resume(sd_event_source* source, std::uint64_t usec, void* userdata);
    // Out of descriptors: stop watching the socket for a moment (the pending connection would keep
    // it readable and the loop spinning).
    void pause();

    // Binds <directory>/socket unless a live broker listens there.
    bool bind_own(const std::string& directory, std::string* error);

    int fd_ = -1;
    uid_t uid_ = 0;
    std::string path_;
    std::string lock_path_;  // set when the socket was bound here: it is removed under this lock
    ino_t inode_ = 0;        // the bound socket file, so that only ours is removed
    std::string address_;
    RefusalLog& refusals_;
    Accepted accepted_;
    SourcePtr source_;
    SourcePtr resume_;
};

// Another broker already listens on the user's socket.
struct AlreadyServed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// D-Bus address escaping: bytes outside [-0-9A-Za-z_/.\*] become %XX.
std::string escape_address_value(const std::string& s);

}  // namespace ttbus::dbus
