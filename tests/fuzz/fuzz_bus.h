// The one sd-bus connection the wire targets make their messages on: sd-bus makes messages only
// for an open connection, and one end of a socket pair will do.
#pragma once

#include <systemd/sd-bus.h>
#include <sys/socket.h>

#include <cstdlib>

inline sd_bus* fuzz_bus() {
    static sd_bus* b = [] {
        sd_bus* made = nullptr;
        int fds[2];
        if (sd_bus_new(&made) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0 ||
            sd_bus_set_fd(made, fds[0], fds[0]) < 0 || sd_bus_start(made) < 0) {
            std::abort();
        }
        return made;
    }();
    return b;
}
