// How much of the broker a peer connection used lately: its turns (dispatches of its socket),
// halved every half-life. It is brought up to date when the connection is served, so nothing runs
// at rest. Its level, the binary order of magnitude of that count, is the priority of the
// connection's io source (peers.cpp): of the connections waiting, the loop serves those that used
// it least first, and those of one level in turn. A client that sends now and then is served
// ahead of one that floods; the flooder is served whenever no lighter one waits, and one that
// keeps sending climbs to the flooder's level, so none is left out for long.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace ttbus::dbus {

class RecentUse {
public:
    static constexpr double half_life_usec = 100'000;

    // One more turn at `now` (CLOCK_MONOTONIC µs); returns the level for the next one.
    int served(std::uint64_t now) {
        if (now > last_) turns_ *= std::exp2(-static_cast<double>(now - last_) / half_life_usec);
        last_ = now;
        turns_ += 1;
        return std::bit_width(static_cast<std::uint64_t>(turns_));
    }

private:
    double turns_ = 0;
    std::uint64_t last_ = 0;
};

}  // namespace ttbus::dbus
