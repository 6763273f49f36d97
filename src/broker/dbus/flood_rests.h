// A connection that floods pays for it while others are served (peers.cpp). A turn is light when
// the connection had no more than the message it read (a request, a reply, a message from the
// bus); a connection floods when more waits after its turn, and stays a flooder until it pauses
// for `active_usec` (its socket may be found empty now and then). While another connection had
// a light turn lately, a flooding one gets one message a turn and then rests, not read, for
// `rest_factor` times what that turn took the broker: it blocks in its send, and the deliveries it
// causes (the observers' work) pause with it. So while others are active its share of the broker
// is about 1 / (1 + rest_factor), and the machine is left to them: on 2 cores the flood's
// processes otherwise hold the CPUs, and the clients the broker wakes for a round trip wait for
// the scheduler's next tick (4 ms at 250 Hz) once in 15 to 60 round trips. A flooder alone (the
// others quiet for `active_usec`) is read at full speed.
#pragma once

#include <cstdint>

namespace ttbus::dbus {

class FloodRests {
public:
    static constexpr std::uint64_t active_usec = 10'000;
    static constexpr std::uint64_t rest_factor = 20;

    // Connections are numbered from 1 (peers); 0 stands for the bus connection.
    void light_turn(std::uint64_t who, std::uint64_t now) {
        if (who_[0] != who) {
            who_[1] = who_[0];
            at_[1] = at_[0];
            who_[0] = who;
        }
        at_[0] = now;
    }

    // Whether a connection other than `who` had a light turn within active_usec before `now`.
    bool others_active(std::uint64_t who, std::uint64_t now) const {
        const std::uint64_t at = who_[0] != who ? at_[0] : at_[1];
        return at != 0 && now - at < active_usec;
    }

    static std::uint64_t rest_usec(std::uint64_t turn_usec) { return turn_usec * rest_factor; }

private:
    // The latest light turns of two different connections, the latest first (the other one
    // answers for the connection of the latest).
    std::uint64_t who_[2] = {0, 0};
    std::uint64_t at_[2] = {0, 0};
};

}  // namespace ttbus::dbus
