// Which connection floods while others are active, and how long it rests (src/broker/dbus/flood_rests.h).
#include "dbus/flood_rests.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace ttbus::dbus {
namespace {

constexpr std::uint64_t t0 = 1'000'000;
constexpr std::uint64_t window = FloodRests::active_usec;

TEST(FloodRests, NobodyActiveAtFirst) {
    FloodRests f;
    EXPECT_FALSE(f.others_active(1, t0));
    EXPECT_FALSE(f.others_active(0, t0));
}

TEST(FloodRests, AnothersLightTurnMakesOthersActiveForTheWindow) {
    FloodRests f;
    f.light_turn(3, t0);
    EXPECT_TRUE(f.others_active(5, t0));
    EXPECT_TRUE(f.others_active(5, t0 + window - 1));
    EXPECT_FALSE(f.others_active(5, t0 + window)) << "quiet for the window: the flooder is read at full speed";
}

TEST(FloodRests, AConnectionsOwnLightTurnsNeverHoldItBack) {
    FloodRests f;
    for (std::uint64_t t = t0; t < t0 + 1000; t += 100) f.light_turn(5, t);
    EXPECT_FALSE(f.others_active(5, t0 + 1000)) << "a flooder alone, its socket empty now and then";
    EXPECT_TRUE(f.others_active(6, t0 + 1000));
}

TEST(FloodRests, TheOtherOfTheLatestTwoAnswersForTheLatest) {
    FloodRests f;
    f.light_turn(3, t0);
    f.light_turn(5, t0 + 100);
    f.light_turn(5, t0 + 200);  // the same connection again keeps 3 as the other
    EXPECT_TRUE(f.others_active(5, t0 + window - 1)) << "3's turn at t0";
    EXPECT_FALSE(f.others_active(5, t0 + window)) << "3's turn is over the window, 5's own do not count";
    EXPECT_TRUE(f.others_active(3, t0 + window)) << "5's turn at t0 + 200";
    f.light_turn(7, t0 + 300);
    EXPECT_TRUE(f.others_active(7, t0 + 300 + window - 201)) << "5, the latest before 7";
    EXPECT_FALSE(f.others_active(7, t0 + 200 + window));
}

TEST(FloodRests, TheBusCountsAsAConnection) {
    FloodRests f;
    f.light_turn(0, t0);  // a message read from the bus
    EXPECT_TRUE(f.others_active(4, t0 + 1));
}

TEST(FloodRests, ARestIsProportionalToWhatTheTurnTook) {
    EXPECT_EQ(FloodRests::rest_usec(0), 0u);
    EXPECT_EQ(FloodRests::rest_usec(40), 40 * FloodRests::rest_factor);
    EXPECT_EQ(FloodRests::rest_usec(2000), 2 * FloodRests::rest_usec(1000));
}

}  // namespace
}  // namespace ttbus::dbus
