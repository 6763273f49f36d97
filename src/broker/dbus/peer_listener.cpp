#include "peer_listener.h"

#include "log.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
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

std::unique_ptr<PeerListener> PeerListener::open(sd_event* event, const std::string& directory, uid_t uid,
                                                 Accepted accepted, std::string* error) {
    if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
        *error = errno_text("cannot create " + directory);
        return nullptr;
    }
    struct stat st {};
    if (lstat(directory.c_str(), &st) != 0) {
        *error = errno_text(directory);
        return nullptr;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != uid) {
        *error = directory + " is not a directory of the broker's user";
        return nullptr;
    }
    std::unique_ptr<PeerListener> l(new PeerListener());
    l->uid_ = uid;
    l->accepted_ = std::move(accepted);
    l->path_ = directory + "/ttbusd-" + std::to_string(getpid()) + ".sock";
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (l->path_.size() >= sizeof sa.sun_path) {
        *error = l->path_ + ": the path is too long for a socket";
        return nullptr;
    }
    std::memcpy(sa.sun_path, l->path_.c_str(), l->path_.size() + 1);
    l->fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (l->fd_ < 0) {
        *error = errno_text("socket");
        return nullptr;
    }
    // A socket of this name is stale: its broker had our pid and is gone.
    if (unlink(l->path_.c_str()) == 0) log::info("removed a stale socket " + l->path_);
    if (bind(l->fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        *error = errno_text("cannot bind " + l->path_);
        l->path_.clear();  // not ours to remove
        return nullptr;
    }
    if (listen(l->fd_, SOMAXCONN) != 0) {
        *error = errno_text("cannot listen on " + l->path_);
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

PeerListener::~PeerListener() {
    resume_.reset();
    source_.reset();
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
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
                log::warning(errno_text("accept on " + self->path_) + "; accepting again in 100 ms");
                self->pause();
            } else if (errno != EAGAIN) {
                log::warning(errno_text("accept on " + self->path_));
            }
            return 0;
        }
        ucred peer{};
        socklen_t len = sizeof peer;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
            log::warning(errno_text("SO_PEERCRED"));
            close(fd);
            continue;
        }
        if (peer.uid != self->uid_) {
            log::warning("refused a peer connection from uid " + std::to_string(peer.uid) + " (pid " + std::to_string(peer.pid) +
                "): only the broker's user may connect");
            close(fd);
            continue;
        }
        self->accepted_(fd, peer);
    }
}

}  // namespace ttbus::dbus
