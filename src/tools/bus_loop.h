// Drives a connection that has no event-loop thread: dispatches its incoming messages (and so
// the proxies' signal handlers) until the caller is done or a terminating signal arrives.
// SIGINT, SIGTERM and SIGHUP are blocked and read through a signalfd, so a signal never
// interrupts a handler halfway and the program can leave cleanly.
#pragma once

#include <sdbus-c++/IConnection.h>

#include <functional>

namespace ttbus::tools {

class BusLoop {
public:
    enum class End { done, signal, watched_fd };

    // Blocks the terminating signals of the calling thread; create it before any thread starts.
    BusLoop();
    ~BusLoop();
    BusLoop(const BusLoop&) = delete;
    BusLoop& operator=(const BusLoop&) = delete;

    // Runs until `step` (called after each batch of dispatched messages) returns true, a
    // terminating signal arrives, or `watched_fd` (when >= 0) becomes readable or hangs up.
    // Throws sdbus::Error when the connection fails.
    End run(sdbus::IConnection& connection, const std::function<bool()>& step, int watched_fd = -1);

private:
    int signal_fd_ = -1;
};

}  // namespace ttbus::tools
