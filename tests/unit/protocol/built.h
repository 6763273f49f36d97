// A D-Bus message built in a test, without a bus daemon (sd-bus makes messages only for an open
// connection, and one end of a socket pair will do), and the status a read of it fails with.
#pragma once

#include "protocol/errors.h"

#include <gtest/gtest.h>

#include <systemd/sd-bus.h>

#include <functional>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

namespace ttbus::protocol {

struct BusUnref {
    void operator()(sd_bus* b) const { sd_bus_close_unref(b); }
};
struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};

// A signal written by `write`, sealed and rewound for reading.
class Built {
public:
    explicit Built(const std::function<void(sd_bus_message*)>& write) {
        // sd-bus makes messages only for an open connection: one end of a socket pair will do.
        sd_bus* bus = nullptr;
        EXPECT_GE(sd_bus_new(&bus), 0);
        bus_.reset(bus);
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        other_end_ = fds[1];
        EXPECT_GE(sd_bus_set_fd(bus, fds[0], fds[0]), 0);
        EXPECT_GE(sd_bus_start(bus), 0);
        sd_bus_message* m = nullptr;
        EXPECT_GE(sd_bus_message_new_signal(bus, &m, "/t", "t.T", "M"), 0);
        message_.reset(m);
        write(m);
        EXPECT_GE(sd_bus_message_seal(m, 1, 0), 0);
        EXPECT_GE(sd_bus_message_rewind(m, 1), 0);
    }
    ~Built() { close(other_end_); }
    Built(const Built&) = delete;
    Built& operator=(const Built&) = delete;
    sd_bus_message* get() const { return message_.get(); }

private:
    int other_end_ = -1;
    std::unique_ptr<sd_bus, BusUnref> bus_;
    std::unique_ptr<sd_bus_message, MessageUnref> message_;
};

// The status a read fails with (OK when it succeeds).
inline std::int32_t failure_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const Failure& f) {
        return f.status;
    }
    return 0;
}

}  // namespace ttbus::protocol
