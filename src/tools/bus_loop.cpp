#include "bus_loop.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace ttbus::tools {

namespace {

sigset_t terminating_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

// sd-bus gives an absolute CLOCK_MONOTONIC deadline in microseconds (UINT64_MAX: none).
int poll_timeout_ms(std::uint64_t deadline_usec) {
    if (deadline_usec == UINT64_MAX) return -1;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    std::uint64_t now_usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000;
    if (deadline_usec <= now_usec) return 0;
    std::uint64_t ms = (deadline_usec - now_usec + 999) / 1000;
    return ms > 60000 ? 60000 : static_cast<int>(ms);
}

}  // namespace

BusLoop::BusLoop() {
    sigset_t set = terminating_signals();
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throw std::system_error(errno, std::generic_category(), "sigprocmask");
    signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
    if (signal_fd_ < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
}

BusLoop::~BusLoop() {
    close(signal_fd_);
    sigset_t set = terminating_signals();
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

BusLoop::End BusLoop::run(sdbus::IConnection& connection, const std::function<bool()>& step, int watched_fd) {
    for (;;) {
        while (connection.processPendingRequest()) {
        }
        if (step()) return End::done;
        auto data = connection.getEventLoopPollData();
        pollfd fds[3] = {{data.fd, data.events, 0}, {signal_fd_, POLLIN, 0}, {watched_fd, POLLIN, 0}};
        nfds_t count = watched_fd >= 0 ? 3 : 2;
        if (poll(fds, count, poll_timeout_ms(data.timeout_usec)) < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "poll");
        }
        if (fds[1].revents != 0) {
            // Consumed here, so that unblocking the signal later does not deliver it again.
            signalfd_siginfo info{};
            if (read(signal_fd_, &info, sizeof info) < 0 && errno != EAGAIN) {
                throw std::system_error(errno, std::generic_category(), "read signalfd");
            }
            return End::signal;
        }
        if (count == 3 && fds[2].revents != 0) return End::watched_fd;
    }
}

}  // namespace ttbus::tools
