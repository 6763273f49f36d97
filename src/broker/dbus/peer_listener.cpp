#include "peer_listener.h"

#include "log.h"
#include "refusal_log.h"

#include <cerrno>
#include <cstring>
#include <cstddef>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace ttbus::dbus {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string escape_address_value(const std::string& s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     std::strchr("-_/.\\*", c) != nullptr;
        if (plain && c != 0) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

namespace {

// socket.lock beside the socket, held while a broker checks, replaces or removes the socket.
class SocketLock {
public:
    explicit SocketLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        while (fd_ >= 0 && flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~SocketLock() {
        if (fd_ >= 0) close(fd_);
    }
    SocketLock(const SocketLock&) = delete;
    SocketLock& operator=(const SocketLock&) = delete;
    bool held() const { return fd_ >= 0; }

private:
    int fd_;
};

// A live broker accepts; a dead one's socket file refuses (or is missing).
bool answers(const sockaddr_un& sa) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    bool live = connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    close(fd);
    return live;
}

}  // namespace

std::unique_ptr<PeerListener> PeerListener::open(sd_event* event, const std::string& directory, uid_t uid,
                                                 RefusalLog& refusals, Accepted accepted, std::string* error) {
    std::unique_ptr<PeerListener> l(new PeerListener(refusals));
    l->uid_ = uid;
    l->accepted_ = std::move(accepted);
    // Started by ttbusd.socket: systemd listens, and keeps the socket when the broker exits.
    if (sd_listen_fds(1) >= 1 && sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, nullptr, 0) > 0) {
        l->fd_ = SD_LISTEN_FDS_START;
        sockaddr_un sa{};
        socklen_t len = sizeof sa;
        const socklen_t base = offsetof(sockaddr_un, sun_path);
        if (getsockname(l->fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0 || len <= base || sa.sun_path[0] == 0 ||
            fcntl(l->fd_, F_SETFL, fcntl(l->fd_, F_GETFL) | O_NONBLOCK) != 0) {
            *error = "the socket systemd passed is no Unix socket with a path";
            return nullptr;
        }
        l->path_.assign(sa.sun_path, strnlen(sa.sun_path, len - base));
        log::info("listening on " + l->path_ + " (from systemd)");
    } else if (!l->bind_own(directory, error)) {
        return nullptr;
    }
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(event, &source, l->fd_, EPOLLIN, on_ready, l.get());
    if (r < 0) {
        *error = std::string("cannot watch the socket: ") + std::strerror(-r);
        return nullptr;
    }
    l->source_.reset(source);
    l->address_ = "unix:path=" + escape_address_value(l->path_);
    return l;
}

bool PeerListener::bind_own(const std::string& directory, std::string* error) {
    if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
        *error = errno_text("cannot create " + directory);
        return false;
    }
    struct stat st {};
    if (lstat(directory.c_str(), &st) != 0) {
        *error = errno_text(directory);
        return false;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != uid_) {
        *error = directory + " is not a directory of the broker's user";
        return false;
    }
    const std::string path = directory + "/socket";
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof sa.sun_path) {
        *error = path + ": the path is too long for a socket";
        return false;
    }
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    const std::string lock_path = directory + "/socket.lock";
    SocketLock lock(lock_path);
    if (!lock.held()) {
        *error = errno_text("cannot open " + lock_path);
        return false;
    }
    if (answers(sa)) throw AlreadyServed(path + " is served by another broker");
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) {
        *error = errno_text("socket");
        return false;
    }
    if (unlink(path.c_str()) == 0) log::notice("replaced the socket of a broker that is gone: " + path);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        *error = errno_text("cannot bind " + path);
        return false;
    }
    path_ = path;
    lock_path_ = lock_path;
    if (stat(path.c_str(), &st) == 0) inode_ = st.st_ino;
    if (listen(fd_, SOMAXCONN) != 0) {
        *error = errno_text("cannot listen on " + path);
        return false;
    }
    return true;
}

PeerListener::~PeerListener() {
    resume_.reset();
    source_.reset();
    if (!lock_path_.empty()) {
        // Removed only while it is ours: a broker that found it dead may have replaced it.
        SocketLock lock(lock_path_);
        struct stat st {};
        if (stat(path_.c_str(), &st) == 0 && st.st_ino == inode_) unlink(path_.c_str());
        close(fd_);
        return;
    }
    if (fd_ >= 0) close(fd_);
}

void PeerListener::pause() {
    constexpr std::uint64_t rest_usec = 100000;
    sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
    if (!resume_) {
        sd_event_source* timer = nullptr;
        if (sd_event_add_time_relative(sd_event_source_get_event(source_.get()), &timer, CLOCK_MONOTONIC, rest_usec,
                                       0, resume, this) < 0) {
            sd_event_source_set_enabled(source_.get(), SD_EVENT_ON);  // no timer: better to spin than to stop
            return;
        }
        resume_.reset(timer);
        return;
    }
    sd_event_source_set_time_relative(resume_.get(), rest_usec);
    sd_event_source_set_enabled(resume_.get(), SD_EVENT_ONESHOT);
}

int PeerListener::resume(sd_event_source*, std::uint64_t, void* userdata) {
    auto* self = static_cast<PeerListener*>(userdata);
    sd_event_source_set_enabled(self->source_.get(), SD_EVENT_ON);
    return 0;
}

int PeerListener::on_ready(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* self = static_cast<PeerListener*>(userdata);
    for (;;) {
        int fd = accept4(self->fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) {
                // The pending connection keeps the socket readable: rest a moment instead of spinning.
                self->refusals_.refused(errno_text("accept on " + self->path_) + "; accepting again in 100 ms");
                self->pause();
            } else if (errno != EAGAIN) {
                self->refusals_.refused(errno_text("accept on " + self->path_));
            }
            return 0;
        }
        ucred peer{};
        socklen_t len = sizeof peer;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
            self->refusals_.refused(errno_text("refused a peer connection: SO_PEERCRED"));
            close(fd);
            continue;
        }
        if (peer.uid != self->uid_) {
            self->refusals_.refused("refused a peer connection from uid " + std::to_string(peer.uid) + " (pid " +
                                    std::to_string(peer.pid) + "): only the broker's user may connect");
            close(fd);
            continue;
        }
        self->accepted_(fd, peer);
    }
}

}  // namespace ttbus::dbus
