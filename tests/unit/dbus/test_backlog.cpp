// The broker's count of what waits to be written to a peer (src/broker/dbus/backlog.h).
#include "dbus/backlog.h"

#include <gtest/gtest.h>

namespace ttbus::dbus {
namespace {

TEST(Backlog, WrittenMessagesLeaveOldestFirst) {
    Backlog b;
    b.sent(100, 1, 0, 10);  // still held
    b.sent(200, 2, 0, 20);
    b.sent(400, 3, 0, 30);
    EXPECT_EQ(b.bytes(), 700u);
    b.written(1, 0, 40);  // the two oldest went out
    EXPECT_EQ(b.bytes(), 400u);
    b.sent(50, 1, 0, 50);  // one held: in order, that is the newest
    EXPECT_EQ(b.bytes(), 50u);
    b.sent(25, 0, 0, 60);  // written at once, and all before it
    EXPECT_EQ(b.bytes(), 0u);
}

TEST(Backlog, ProgressIsAnyMessageOrByteTaken) {
    Backlog b;
    b.sent(100, 1, 4096, 10);
    EXPECT_EQ(b.progress(), 10u) << "a backlog begins";
    b.sent(100, 2, 4096, 20);
    EXPECT_EQ(b.progress(), 10u) << "nothing taken";
    b.written(2, 1000, 30);
    EXPECT_EQ(b.progress(), 30u) << "the socket holds less: the peer read";
    b.written(2, 1000, 40);
    EXPECT_EQ(b.progress(), 30u);
    b.written(1, 1000, 50);
    EXPECT_EQ(b.progress(), 50u) << "a message went out";
    EXPECT_EQ(b.bytes(), 100u);
}

}  // namespace
}  // namespace ttbus::dbus
