// What the broker has queued for one receiver and not yet written: the bytes of each message, in
// the order sent, and when the receiver last took something. sd-bus writes a connection's messages
// in order and tells how many it still holds (sd_bus_get_n_queued_write), so the oldest sizes
// beyond that count have been written. A receiver reading one large message takes bytes long
// before the message is gone: what the socket still holds (SIOCOUTQ) changing says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace ttbus::dbus {

class Backlog {
public:
    // A message of about `bytes` was sent at `now`; the connection still holds `unwritten` messages
    // and its socket `in_socket` bytes.
    void sent(std::size_t bytes, std::uint64_t unwritten, int in_socket, std::uint64_t now) {
        if (sizes_.empty()) progress_ = now;
        sizes_.push_back(bytes);
        bytes_ += bytes;
        written(unwritten, in_socket, now);
    }
    // At `now` the connection still holds `unwritten` messages (the older ones are gone) and its
    // socket `in_socket` bytes.
    void written(std::uint64_t unwritten, int in_socket, std::uint64_t now) {
        if (sizes_.size() > unwritten || in_socket != in_socket_) progress_ = now;
        in_socket_ = in_socket;
        while (sizes_.size() > unwritten) {
            bytes_ -= sizes_.front();
            sizes_.pop_front();
        }
    }
    std::size_t bytes() const { return bytes_; }
    // When a message was last written (or the backlog began).
    std::uint64_t progress() const { return progress_; }

private:
    std::deque<std::size_t> sizes_;
    std::size_t bytes_ = 0;
    std::uint64_t progress_ = 0;
    int in_socket_ = 0;
};

}  // namespace ttbus::dbus
