// What the broker has queued for one receiver and not yet written: the bytes of each message, in
// the order sent. sd-bus writes a connection's messages in order and tells how many it still holds
// (sd_bus_get_n_queued_write), so the oldest sizes beyond that count have been written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace ttbus::dbus {

class Backlog {
public:
    // A message of about `bytes` was sent; the connection still holds `unwritten` messages.
    void sent(std::size_t bytes, std::uint64_t unwritten) {
        sizes_.push_back(bytes);
        bytes_ += bytes;
        written(unwritten);
    }
    // The connection still holds `unwritten` messages: the older ones are gone.
    void written(std::uint64_t unwritten) {
        while (sizes_.size() > unwritten) {
            bytes_ -= sizes_.front();
            sizes_.pop_front();
        }
    }
    std::size_t bytes() const { return bytes_; }

private:
    std::deque<std::size_t> sizes_;
    std::size_t bytes_ = 0;
};

}  // namespace ttbus::dbus
