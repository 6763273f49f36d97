// A peer connection's recent use of the broker, the priority of its turns (src/broker/dbus/recent_use.h).
#include "dbus/recent_use.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace ttbus::dbus {
namespace {

constexpr std::uint64_t half_life = static_cast<std::uint64_t>(RecentUse::half_life_usec);

TEST(RecentUse, AFlooderClimbsAboveAnOccasionalSender) {
    RecentUse flooder;
    RecentUse occasional;
    int flooder_level = 0;
    int occasional_level = 0;
    // 100 ms: the flooder served every 10 µs, the other every 1 ms.
    for (std::uint64_t t = 1; t <= half_life; t += 10) {
        flooder_level = flooder.served(t);
        if (t % 1000 == 1) occasional_level = occasional.served(t);
    }
    EXPECT_GE(flooder_level, occasional_level + 3) << "10,000 turns against 100: a lower priority by 3 binary orders at least";
    EXPECT_LE(flooder_level, 15) << "turns decay even when they come every 10 µs";
}

TEST(RecentUse, TurnsHalveEveryHalfLife) {
    RecentUse u;
    for (int i = 0; i < 1024; ++i) u.served(1000);
    EXPECT_EQ(u.served(1000), 11) << "1,025 turns";
    EXPECT_EQ(u.served(1000 + half_life), 10) << "about 513";
    EXPECT_EQ(u.served(1000 + 4 * half_life), 7) << "about 65";
    EXPECT_EQ(u.served(1000 + 100 * half_life), 1) << "a connection back from rest is light again";
}

TEST(RecentUse, AClockThatDoesNotAdvanceDecaysNothing) {
    RecentUse u;
    u.served(5000);
    EXPECT_EQ(u.served(4000), 2) << "an earlier time (another clock reading) is taken as now";
}

}  // namespace
}  // namespace ttbus::dbus
