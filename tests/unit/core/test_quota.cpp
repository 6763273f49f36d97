// What a client may make the engine keep (Limits): each bound per client and in total, and the
// messages of gone clients (orphans), which the largest orphaner pays for (docs/dbus-api.md, Limits).
#include "fixture.h"

#include <algorithm>

namespace ttbus::core {
namespace {

using namespace test;

EngineOptions small_limits() {
    EngineOptions o;
    o.limits.procids = 2;
    o.limits.patterns = 3;
    o.limits.live = 3;
    o.limits.queued = 2;
    o.limits.on_exit = 1;
    o.limits.live_total = 8;
    o.limits.queued_total = 4;
    o.limits.orphaned = 4;
    o.limits.waiting = 2;
    o.limits.waiting_total = 4;
    // Small messages cost a few hundred bytes: only the tests that send big args meet these.
    o.limits.bytes = 64 * 1024;
    o.limits.bytes_total = 160 * 1024;
    o.limits.orphaned_bytes = 96 * 1024;
    return o;
}

class Quota : public EngineTest {
protected:
    Quota() : EngineTest(small_limits()) {}

    void SetUp() override {
        EngineTest::SetUp();
        Ptype mail;
        mail.id = "Mailer";  // no start string: its requests wait in the queue
        mail.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Compose", {}, Disposition::QUEUE));
        mail.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Memo", {}, Disposition::QUEUE));
        Ptype pair;
        pair.id = "Pair";
        pair.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "One"));
        pair.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Two"));
        Ptype ed;  // started on demand: what is sent to it waits for the launch
        ed.id = "Editor";
        ed.start = "exec example-editor";
        ed.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Note", {}, Disposition::START));
        Ptype audit;  // a started observer: a copy of each Save waits for it
        audit.id = "Audit";
        audit.start = "exec example-audit";
        audit.signatures.push_back(sig(Category::OBSERVE, Scope::SESSION, "Save", {}, Disposition::START));
        load({mail, pair, ed, audit});
        handler = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Hold"}));
        watcher = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Hold"}));
    }

    std::string open_as(const std::string& client, Status expected = Status::OK) {
        std::string id;
        EXPECT_EQ(engine.open(OpenRequest{"S1", 1000, 100, {}, client}, fx, &id), expected);
        return id;
    }
    Status try_send(const std::string& procid, const Message& m, std::string* id = nullptr) {
        return engine.send(procid, m, fx, id);
    }
    Message hold() { return make_message(Class::REQUEST, Scope::SESSION, "Hold"); }
    Message note() { return make_message(Class::NOTICE, Scope::SESSION, "Note"); }
    // A message of about 30 KB: two fit a client's 64 KiB, five the 160 KiB total.
    static Message big(Message m) {
        m.body.args.push_back({Mode::IN, "string", std::string(30000, 'x')});
        return m;
    }
    Message big_hold() { return big(hold()); }  // its handler keeps it
    std::string editor_token() const {
        auto s = all<StartPtype>();
        EXPECT_FALSE(s.empty());
        return s.empty() ? std::string() : s.back().token;
    }
    std::vector<Dropped> dropped() const { return all<Dropped>(); }

    std::string handler;  // takes every Hold request and answers none
    std::string watcher;  // observes Hold, outcomes included
};

TEST_F(Quota, ProcidsPerClient) {
    open_as("c");
    std::string second = open_as("c");
    open_as("c", Status::ERR_OVERFLOW);
    EXPECT_FALSE(open_as("other").empty()) << "the limit is per client";
    ASSERT_EQ(engine.close(second, CloseReason::CLOSED, fx), Status::OK);
    EXPECT_FALSE(open_as("c").empty()) << "a closed procid frees its place";
}

TEST_F(Quota, PatternsPerClientCountDeclaredPtypes) {
    std::string a = open_as("c");
    std::string b = open_as("c");
    PatternId first = 0;
    ASSERT_EQ(engine.pattern_register(a, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"x"}), &first), Status::OK);
    ASSERT_EQ(engine.pattern_register(b, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"y"}), nullptr), Status::OK);
    EXPECT_EQ(engine.ptype_declare(a, "Pair", fx), Status::ERR_OVERFLOW) << "two more patterns than fit";
    EXPECT_TRUE(engine.procid_info(a)->ptypes.empty()) << "a refusal changes nothing";
    ASSERT_EQ(engine.pattern_register(b, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"z"}), nullptr), Status::OK);
    EXPECT_EQ(engine.pattern_register(a, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"w"}), nullptr),
              Status::ERR_OVERFLOW);
    ASSERT_EQ(engine.pattern_unregister(a, first), Status::OK);
    ASSERT_EQ(engine.close(b, CloseReason::CLOSED, fx), Status::OK);
    EXPECT_EQ(engine.ptype_declare(a, "Pair", fx), Status::OK) << "unregistered and closed patterns are freed";
    EXPECT_EQ(engine.pattern_register(a, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"w"}), nullptr),
              Status::OK);
    ASSERT_EQ(engine.ptype_undeclare(a, "Pair"), Status::OK);
    EXPECT_EQ(engine.pattern_register(a, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"v"}), nullptr),
              Status::OK)
        << "an undeclared ptype's patterns are freed";
}

TEST_F(Quota, LiveMessagesPerClientStayChargedAfterTheSendingProcidCloses) {
    std::string a = open_as("c");
    std::string b = open_as("c");
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) ids.push_back(send(a, hold()));
    EXPECT_EQ(try_send(b, hold()), Status::ERR_OVERFLOW) << "the limit is the client's, not the procid's";
    const std::size_t live = engine.live_message_count();
    EXPECT_EQ(try_send(b, make_message(Class::NOTICE, Scope::SESSION, "Hold")), Status::OK)
        << "a notice is not kept";
    ASSERT_EQ(engine.close(a, CloseReason::CLOSED, fx), Status::OK);
    EXPECT_EQ(engine.live_message_count(), live) << "its requests wait for their handler";
    EXPECT_EQ(try_send(b, hold()), Status::ERR_OVERFLOW) << "closing the sender does not free the client's quota";
    EXPECT_EQ(engine.orphaned_count(), 0u) << "the client has a procid left: they are not orphans";
    ASSERT_EQ(engine.reply(handler, ids[0], Answer{}, fx), Status::OK);
    EXPECT_EQ(try_send(b, hold()), Status::OK) << "an answer frees its place";
}

TEST_F(Quota, LiveMessagesInTotal) {
    std::string a = open_as("a");
    std::string b = open_as("b");
    std::string c = open_as("c");
    for (int i = 0; i < 3; ++i) send(a, hold());
    for (int i = 0; i < 3; ++i) send(b, hold());
    send(c, hold());
    send(c, hold());
    EXPECT_EQ(engine.live_message_count(), 8u);
    EXPECT_EQ(try_send(c, hold()), Status::ERR_OVERFLOW);
    EXPECT_EQ(engine.live_message_count(), 8u) << "the refused send changed nothing";
}

TEST_F(Quota, QueueEntriesPerClient) {
    std::string a = open_as("a");
    send(a, make_message(Class::REQUEST, Scope::SESSION, "Compose"));
    send(a, make_message(Class::NOTICE, Scope::SESSION, "Memo"));
    EXPECT_EQ(engine.queued_count(), 2u);
    fx.clear();
    EXPECT_EQ(try_send(a, make_message(Class::NOTICE, Scope::SESSION, "Hold")), Status::ERR_OVERFLOW)
        << "any send is refused while the client's queue entries are at their limit";
    EXPECT_TRUE(fx.empty());
    std::string b = open_as("b");
    EXPECT_EQ(try_send(b, make_message(Class::NOTICE, Scope::SESSION, "Memo")), Status::OK);
    std::string mailer = open();
    ASSERT_EQ(engine.ptype_declare(mailer, "Mailer", fx), Status::OK);
    ASSERT_EQ(engine.session_join(mailer, "S1", fx), Status::OK);
    EXPECT_EQ(engine.queued_count(), 0u);
    EXPECT_EQ(try_send(a, make_message(Class::NOTICE, Scope::SESSION, "Memo")), Status::OK) << "delivered: freed";
}

TEST_F(Quota, QueueEntriesInTotal) {
    for (const char* client : {"a", "b"}) {
        std::string p = open_as(client);
        send(p, make_message(Class::NOTICE, Scope::SESSION, "Memo"));
        send(p, make_message(Class::NOTICE, Scope::SESSION, "Memo"));
    }
    ASSERT_EQ(engine.queued_count(), 4u);
    std::string c = open_as("c");
    fx.clear();
    std::string id;
    ASSERT_EQ(try_send(c, make_message(Class::REQUEST, Scope::SESSION, "Compose"), &id), Status::OK);
    Update u = last_update(c);
    EXPECT_EQ(u.message->id, id);
    EXPECT_EQ(u.message.header.state, State::FAILED);
    EXPECT_EQ(u.message.header.status, static_cast<std::int32_t>(Status::ERR_OVERFLOW)) << "the sender learns why";
    EXPECT_EQ(engine.live_message_count(), 0u);
    fx.clear();
    ASSERT_EQ(try_send(c, make_message(Class::NOTICE, Scope::SESSION, "Memo")), Status::OK);
    ASSERT_EQ(dropped().size(), 1u) << "a notice has nobody to tell: the host logs it";
    EXPECT_EQ(dropped()[0].client, "c");
    EXPECT_EQ(dropped()[0].count, 1u);
    EXPECT_EQ(dropped()[0].cause, DropCause::QUEUE_FULL);
    EXPECT_EQ(engine.queued_count(), 4u);
}

TEST_F(Quota, SendOnExitPerClient) {
    std::string a = open_as("a");
    Message m = make_message(Class::NOTICE, Scope::SESSION, "Hold");
    EXPECT_EQ(engine.send_on_exit(a, m), Status::OK);
    EXPECT_EQ(engine.send_on_exit(a, m), Status::ERR_OVERFLOW);
    ASSERT_EQ(engine.close(a, CloseReason::CLOSED, fx), Status::OK);
    EXPECT_EQ(engine.send_on_exit(open_as("a"), m), Status::OK) << "cancelled with the procid: freed";
}

// The reconnecting sender: each incarnation sends up to its quota and goes. What the engine keeps
// of them stays within the orphan budget, and each going is reported with its count.
TEST_F(Quota, OrphansOfAReconnectingSenderStayBounded) {
    std::vector<std::string> all_ids;
    for (int round = 0; round < 6; ++round) {
        const std::string client = "flood" + std::to_string(round);
        std::string p = open_as(client);
        for (int i = 0; i < 3; ++i) all_ids.push_back(send(p, hold()));
        fx.clear();
        ASSERT_EQ(engine.close(p, CloseReason::DIED, fx), Status::OK);
        EXPECT_LE(engine.orphaned_count(), 4u);
        EXPECT_LE(engine.live_message_count(), 4u);
        if (round >= 1) {
            ASSERT_FALSE(dropped().empty()) << "round " << round;
            std::size_t n = 0;
            for (const auto& d : dropped()) {
                EXPECT_EQ(d.cause, DropCause::ORPHANED);
                n += d.count;
            }
            EXPECT_EQ(n, round == 1 ? 2u : 3u) << "exactly the excess goes, round " << round;
        }
    }
    std::vector<std::string> held;
    ASSERT_EQ(engine.handling(handler, &held), Status::OK);
    EXPECT_EQ(held.size(), 4u) << "their handler may still answer what was kept";
    for (const auto& id : all_ids) {
        const bool kept = std::find(held.begin(), held.end(), id) != held.end();
        EXPECT_EQ(engine.reply(handler, id, Answer{}, fx), kept ? Status::OK : Status::ERR_STATE) << id;
    }
    EXPECT_EQ(engine.orphaned_count(), 0u);
}

// At the budget the gone client that left the most pays, newest first: one that left a single
// request keeps it. The dropped requests fail with ERR_OVERFLOW, which their observers see.
TEST_F(Quota, TheLargestOrphanerPaysNotTheInnocent) {
    std::string x = open_as("x");
    for (int i = 0; i < 3; ++i) send(x, hold());
    ASSERT_EQ(engine.close(x, CloseReason::DIED, fx), Status::OK);
    std::string innocent = open_as("innocent");
    const std::string kept = send(innocent, hold());
    ASSERT_EQ(engine.close(innocent, CloseReason::DIED, fx), Status::OK);
    EXPECT_EQ(engine.orphaned_count(), 4u);
    std::string y = open_as("y");
    std::vector<std::string> ys;
    for (int i = 0; i < 3; ++i) ys.push_back(send(y, hold()));
    fx.clear();
    ASSERT_EQ(engine.close(y, CloseReason::DIED, fx), Status::OK);
    EXPECT_EQ(engine.orphaned_count(), 4u);
    // y (3, gone last) loses one; then x (3) one; then y again (2 against x's 2, gone last).
    std::vector<std::pair<std::string, std::size_t>> by_client;
    for (const auto& d : dropped()) by_client.emplace_back(d.client, d.count);
    EXPECT_EQ(by_client, (std::vector<std::pair<std::string, std::size_t>>{{"y", 2}, {"x", 1}}));
    std::size_t failed = 0;
    for (const auto& d : deliveries_to(watcher)) {
        if (d.message.header.state == State::FAILED) {
            EXPECT_EQ(d.message.header.status, static_cast<std::int32_t>(Status::ERR_OVERFLOW));
            ++failed;
        }
    }
    EXPECT_EQ(failed, 3u) << "observers of the outcome see each dropped request fail";
    EXPECT_EQ(engine.reply(handler, kept, Answer{}, fx), Status::OK) << "the innocent's request was kept";
    EXPECT_EQ(engine.reply(handler, ys[0], Answer{}, fx), Status::OK) << "y's oldest was kept";
    EXPECT_EQ(engine.reply(handler, ys[2], Answer{}, fx), Status::ERR_STATE) << "y's newest went";
}

// A queued request of a gone client goes with its queue entry (the store forgets it too).
TEST_F(Quota, ADroppedQueuedRequestLeavesTheQueue) {
    std::string x = open_as("x");
    send(x, make_message(Class::REQUEST, Scope::SESSION, "Compose"));
    send(x, make_message(Class::REQUEST, Scope::SESSION, "Compose"));
    ASSERT_EQ(engine.close(x, CloseReason::DIED, fx), Status::OK);
    EXPECT_EQ(engine.orphaned_count(), 4u) << "each live request and each queue entry counts";
    std::string y = open_as("y");
    send(y, hold());
    fx.clear();
    ASSERT_EQ(engine.close(y, CloseReason::DIED, fx), Status::OK);
    EXPECT_EQ(engine.orphaned_count(), 3u) << "x left the most: its newest request went, with its entry";
    EXPECT_EQ(engine.queued_count(), 1u);
    EXPECT_EQ(all<Dequeued>().size(), 1u);
    ASSERT_EQ(dropped().size(), 1u);
    EXPECT_EQ(dropped()[0].client, "x");
}

// Notices waiting for their ptype's launch are held in memory: charged to the sending client
// until the launch takes them or fails, and refused at its bound like live messages.
TEST_F(Quota, NoticesWaitingForALaunchPerClient) {
    std::string a = open_as("a");
    send(a, note());
    send(a, note());
    const std::string token = editor_token();
    EXPECT_EQ(engine.waiting_count(), 2u);
    fx.clear();
    EXPECT_EQ(try_send(a, note()), Status::ERR_OVERFLOW) << "the sender is told: the send is refused";
    EXPECT_TRUE(fx.empty()) << "a refusal changes nothing";
    EXPECT_EQ(engine.waiting_count(), 2u);
    std::string b = open_as("b");
    EXPECT_EQ(try_send(b, note()), Status::OK) << "another client is not held to a's bound";
    EXPECT_EQ(try_send(a, hold()), Status::OK) << "a request is charged as live, not as waiting";
    fx.clear();
    std::string editor = open("S1", token);
    EXPECT_EQ(deliveries_to(editor).size(), 1u) << "the launch took the first notice as its start message";
    EXPECT_EQ(engine.waiting_count(), 2u);
    EXPECT_EQ(try_send(a, note()), Status::OK) << "a delivered notice frees its place";
}

TEST_F(Quota, NoticesWaitingForALaunchAreFreedWhenItFails) {
    std::string a = open_as("a");
    send(a, note());
    send(a, note());
    const std::string token = editor_token();
    ASSERT_EQ(try_send(a, note()), Status::ERR_OVERFLOW);
    ASSERT_EQ(engine.launch_ended(token, fx), Status::OK);
    EXPECT_EQ(engine.waiting_count(), 0u);
    EXPECT_EQ(try_send(a, note()), Status::OK);
    EXPECT_EQ(engine.waiting_count(), 1u) << "a new launch, and the notice waits for it";
}

TEST_F(Quota, NoticesWaitingForALaunchInTotal) {
    for (const char* client : {"a", "b"}) {
        std::string p = open_as(client);
        send(p, note());
        send(p, note());
    }
    ASSERT_EQ(engine.waiting_count(), 4u);
    std::string c = open_as("c");
    EXPECT_EQ(try_send(c, note()), Status::ERR_OVERFLOW);
    EXPECT_EQ(engine.waiting_count(), 4u);
}

// A request's observer copies are not refused at the send (the request is charged as live); a
// copy past the bound does not wait, and the host is told so that it can log it.
TEST_F(Quota, CopiesPastTheWaitingBoundAreDroppedWithACount) {
    std::string a = open_as("a");
    for (int i = 0; i < 2; ++i) send(a, make_message(Class::REQUEST, Scope::SESSION, "Save"));
    ASSERT_EQ(engine.waiting_count(), 2u);
    fx.clear();
    send(a, make_message(Class::REQUEST, Scope::SESSION, "Save"));
    EXPECT_EQ(engine.waiting_count(), 2u);
    ASSERT_EQ(dropped().size(), 1u);
    EXPECT_EQ(dropped()[0].client, "a");
    EXPECT_EQ(dropped()[0].count, 1u);
    EXPECT_EQ(dropped()[0].cause, DropCause::WAITING_FULL);
}

// Waiting notices of a gone client are orphans like its live messages: the largest orphaner pays.
TEST_F(Quota, WaitingNoticesOfGoneClientsCountAsOrphans) {
    std::string x = open_as("x");
    send(x, hold());
    send(x, note());
    send(x, note());
    ASSERT_EQ(engine.close(x, CloseReason::DIED, fx), Status::OK);
    EXPECT_EQ(engine.orphaned_count(), 3u);
    std::string y = open_as("y");
    send(y, hold());
    send(y, hold());
    fx.clear();
    ASSERT_EQ(engine.close(y, CloseReason::DIED, fx), Status::OK);
    EXPECT_EQ(engine.orphaned_count(), 4u);
    EXPECT_EQ(engine.waiting_count(), 1u) << "x left the most: its newest waiting notice went";
    ASSERT_EQ(dropped().size(), 1u);
    EXPECT_EQ(dropped()[0].client, "x");
    EXPECT_EQ(dropped()[0].cause, DropCause::ORPHANED);
}

TEST_F(Quota, BytesPerClient) {
    std::string a = open_as("a");
    const std::string first = send(a, big_hold());
    send(a, big_hold());
    const std::size_t kept = engine.kept_bytes();
    EXPECT_GT(kept, 60000u);
    fx.clear();
    EXPECT_EQ(try_send(a, big_hold()), Status::ERR_OVERFLOW) << "a third does not fit a's 64 KiB";
    EXPECT_TRUE(fx.empty());
    EXPECT_EQ(engine.kept_bytes(), kept);
    std::string b = open_as("b");
    EXPECT_EQ(try_send(b, big_hold()), Status::OK) << "another client is not held to a's bound";
    ASSERT_EQ(engine.reply(handler, first, Answer{}, fx), Status::OK);
    EXPECT_EQ(try_send(a, big_hold()), Status::OK) << "an answer frees its bytes";
}

TEST_F(Quota, BytesInTotal) {
    for (const char* client : {"a", "b"}) {
        std::string p = open_as(client);
        send(p, big_hold());
        send(p, big_hold());
    }
    std::string c = open_as("c");
    send(c, big_hold());
    EXPECT_EQ(try_send(c, big_hold()), Status::ERR_OVERFLOW) << "six do not fit the 160 KiB total";
    EXPECT_EQ(engine.live_message_count(), 5u);
    EXPECT_EQ(try_send(c, hold()), Status::OK) << "a small one still fits";
}

// A queued notice is kept, so its bytes are charged to its sender until it is dequeued.
TEST_F(Quota, QueuedNoticesPayTheirBytes) {
    std::string a = open_as("a");
    send(a, big(make_message(Class::NOTICE, Scope::SESSION, "Memo")));
    ASSERT_EQ(engine.queued_count(), 1u);
    send(a, big_hold());
    EXPECT_EQ(try_send(a, big_hold()), Status::ERR_OVERFLOW);
    std::string mailer = open();
    ASSERT_EQ(engine.ptype_declare(mailer, "Mailer", fx), Status::OK);
    ASSERT_EQ(engine.session_join(mailer, "S1", fx), Status::OK);
    ASSERT_EQ(engine.queued_count(), 0u);
    EXPECT_EQ(try_send(a, big_hold()), Status::OK) << "dequeued: its bytes are freed";
}

// Counts alone would keep 4,096 messages of gone clients, up to 4 MiB each: their bytes have a
// budget too, which the largest orphaner pays for.
TEST_F(Quota, BytesOfGoneClientsStayWithinTheirBudget) {
    for (const char* client : {"x", "y"}) {
        std::string p = open_as(client);
        send(p, big_hold());
        send(p, big_hold());
        fx.clear();
        ASSERT_EQ(engine.close(p, CloseReason::DIED, fx), Status::OK);
    }
    ASSERT_EQ(dropped().size(), 1u) << "122 KB of orphans against 96 KiB: one goes";
    EXPECT_EQ(dropped()[0].client, "y") << "equal counts: the one that went last pays";
    EXPECT_EQ(dropped()[0].count, 1u);
    EXPECT_EQ(engine.live_message_count(), 3u);
    EXPECT_LE(engine.kept_bytes(), std::size_t{96 * 1024});
}

}  // namespace
}  // namespace ttbus::core
