// The message state machine: answers, offers, dispositions, starting ptypes, queues, procid
// death (reference §5.5, §5.8; observed behaviour 6, 11–14, 17).
#include "fixture.h"

#include "core/start_env.h"

#include <algorithm>

namespace ttbus::core {
namespace {

using namespace test;

class Lifecycle : public EngineTest {
protected:
    // A request with one arg of each mode.
    Message three_args(const std::string& op = "op") {
        Message m = make_message(Class::REQUEST, Scope::SESSION, op);
        m.body.args = {arg(Mode::IN, "int", std::int32_t{1}), arg(Mode::OUT, "string"),
                       arg(Mode::INOUT, "string", std::string("in"))};
        return m;
    }
};

TEST_F(Lifecycle, ReplyMergesOutValuesAndObserversSeeBothStates) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string any_state = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}));
    Pattern sent_only = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"});
    sent_only.states.add(State::SENT);
    std::string only_sent = open_with(sent_only);
    std::string tx = open();
    fx.clear();
    std::string id = send(tx, three_args());
    ASSERT_EQ(count_handle(h), 1u);
    EXPECT_EQ(engine.live_message_count(), 1u);
    fx.clear();
    Answer a{{std::int32_t{99}, std::string("out"), std::string("changed")}, 0, "fine"};
    ASSERT_EQ(engine.reply(h, id, a, fx), Status::OK);
    Update u = last_update(tx);
    EXPECT_EQ(u.message.header.state, State::HANDLED);
    EXPECT_EQ(u.message.header.status_string, "fine");
    EXPECT_EQ(u.message->args[0].value, Value(std::int32_t{1})) << "IN args are not changed by a reply";
    EXPECT_EQ(u.message->args[1].value, Value(std::string("out")));
    EXPECT_EQ(u.message->args[2].value, Value(std::string("changed")));
    // Observed behaviour 6 (kept) and its fix: the reply copy shows the reply's values.
    ASSERT_EQ(count_observe(any_state), 1u);
    EXPECT_EQ(deliveries_to(any_state)[0].message.header.state, State::HANDLED);
    EXPECT_EQ(deliveries_to(any_state)[0].message->args[1].value, Value(std::string("out")));
    EXPECT_EQ(count_observe(only_sent), 0u);
    EXPECT_EQ(engine.live_message_count(), 0u);
    EXPECT_EQ(engine.reply(h, id, a, fx), Status::ERR_STATE) << "already handled";
}

TEST_F(Lifecycle, FailCarriesStatusAndText) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    std::string id = send(tx, three_args());
    fx.clear();
    ASSERT_EQ(engine.fail(h, id, Answer{{}, 1600, "disk on fire"}, fx), Status::OK);
    Update u = last_update(tx);
    EXPECT_EQ(u.message.header.state, State::FAILED);
    EXPECT_EQ(u.message.header.status, 1600);
    EXPECT_EQ(u.message.header.status_string, "disk on fire");
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::FAILED});
}

TEST_F(Lifecycle, OnlyTheHandlerAnswers) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string other = open();
    std::string tx = open();
    std::string id = send(tx, three_args());
    fx.clear();
    EXPECT_EQ(engine.reply(other, id, {}, fx), Status::ERR_NOTHANDLER);
    EXPECT_EQ(engine.reply(tx, id, {}, fx), Status::ERR_NOTHANDLER) << "the sender is not the handler";
    EXPECT_EQ(engine.fail(other, id, {}, fx), Status::ERR_NOTHANDLER);
    EXPECT_EQ(engine.reject(other, id, fx), Status::ERR_NOTHANDLER);
    EXPECT_EQ(engine.reply(h, id, Answer{{std::int32_t{1}}, 0, {}}, fx), Status::ERR_NUM) << "wrong arg count";
    EXPECT_EQ(engine.reply(h, "no such message", {}, fx), Status::ERR_STATE);
    EXPECT_TRUE(fx.empty());
    EXPECT_EQ(engine.live_message_count(), 1u) << "nothing changed";
}

TEST_F(Lifecycle, HandlingListsWhatTheHandlerHasYetToAnswer) {
    std::string h1 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string h2 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    std::vector<std::string> ids{"stale"};
    EXPECT_EQ(engine.handling(h1, &ids), Status::OK);
    EXPECT_TRUE(ids.empty());
    const std::string a = send(tx, three_args());
    const std::string b = send(tx, three_args());
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "op"));  // a notice is nobody's to answer
    const std::string first = all<Delivery>().at(0).procid;
    const std::string second = first == h1 ? h2 : h1;
    std::vector<std::string> held, other;
    ASSERT_EQ(engine.handling(first, &held), Status::OK);
    ASSERT_EQ(engine.handling(second, &other), Status::OK);
    held.insert(held.end(), other.begin(), other.end());
    std::sort(held.begin(), held.end());
    EXPECT_EQ(held, (std::vector<std::string>{std::min(a, b), std::max(a, b)})) << "each request, once";
    // Rejected, a request moves to the next handler; answered, it leaves the list.
    ASSERT_EQ(engine.handling(first, &held), Status::OK);
    for (const auto& id : held) ASSERT_EQ(engine.reject(first, id, fx), Status::OK);
    EXPECT_EQ(engine.handling(first, &ids), Status::OK);
    EXPECT_TRUE(ids.empty());
    ASSERT_EQ(engine.handling(second, &ids), Status::OK);
    EXPECT_EQ(ids.size(), 2u);
    ASSERT_EQ(engine.reply(second, ids[0], {}, fx), Status::OK);
    EXPECT_EQ(engine.handling(second, &ids), Status::OK);
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(engine.handling(tx, &ids), Status::OK);
    EXPECT_TRUE(ids.empty()) << "the sender handles nothing";
    EXPECT_EQ(engine.handling("no such procid", &ids), Status::ERR_PROCID);
}

TEST_F(Lifecycle, VotingListsTheOffersAVoterHasYetToVoteOn) {
    std::string v1 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string v2 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string tx = open();
    std::vector<std::string> ids{"stale"};
    EXPECT_EQ(engine.voting(v1, &ids), Status::OK);
    EXPECT_TRUE(ids.empty());
    const std::string offer = send(tx, make_message(Class::OFFER, Scope::SESSION, "Offer"));
    for (const auto& v : {v1, v2}) {
        ASSERT_EQ(engine.voting(v, &ids), Status::OK);
        EXPECT_EQ(ids, std::vector<std::string>{offer}) << "every voter holds it";
        ASSERT_EQ(engine.handling(v, &ids), Status::OK);
        EXPECT_TRUE(ids.empty()) << "an offer is voted on, not handled";
    }
    ASSERT_EQ(engine.abstain(v1, offer, fx), Status::OK);
    EXPECT_EQ(engine.voting(v1, &ids), Status::OK);
    EXPECT_TRUE(ids.empty()) << "voted";
    EXPECT_EQ(engine.voting(v2, &ids), Status::OK);
    EXPECT_EQ(ids, std::vector<std::string>{offer});
    EXPECT_EQ(engine.voting(tx, &ids), Status::OK);
    EXPECT_TRUE(ids.empty()) << "the sender votes on nothing";
    EXPECT_EQ(engine.voting("no such procid", &ids), Status::ERR_PROCID);
}

// Facts §5.8: the class first, then whether the procid holds the message, its state last. A
// procid that rejected a request or voted on an offer held it once: the state is what is wrong.
TEST_F(Lifecycle, HandlerChecksComeInClassicOrder) {
    std::string v1 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string v2 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string tx = open();
    std::string offer = send(tx, make_message(Class::OFFER, Scope::SESSION, "Offer"));
    ASSERT_EQ(engine.reject(v1, offer, fx), Status::OK);
    fx.clear();
    EXPECT_EQ(engine.reply(v1, offer, {}, fx), Status::ERR_CLASS) << "a voter that voted: the class comes first";
    EXPECT_EQ(engine.fail(tx, offer, {}, fx), Status::ERR_CLASS) << "the sender: the class comes first";
    EXPECT_EQ(engine.reject(v1, offer, fx), Status::ERR_STATE) << "it voted already";
    EXPECT_EQ(engine.reject(tx, offer, fx), Status::ERR_NOTHANDLER) << "the sender never held it";
    EXPECT_TRUE(fx.empty());
    ASSERT_EQ(engine.reject(v2, offer, fx), Status::OK);

    std::string h1 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string h2 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string id = send(tx, three_args());
    std::string first = all<Delivery>().back().procid;
    std::string second = first == h1 ? h2 : h1;
    ASSERT_EQ(engine.reject(first, id, fx), Status::OK);
    fx.clear();
    EXPECT_EQ(engine.fail(first, id, {}, fx), Status::ERR_STATE) << "rejected: it held the request before";
    EXPECT_EQ(engine.reply(tx, id, {}, fx), Status::ERR_NOTHANDLER);
    EXPECT_EQ(engine.reject(tx, id, fx), Status::ERR_NOTHANDLER);
    EXPECT_TRUE(fx.empty());
    ASSERT_EQ(engine.reply(second, id, {}, fx), Status::OK);
    // The broker keeps neither notices nor answered messages: for those only the state is wrong.
    EXPECT_EQ(engine.reply(second, id, {}, fx), Status::ERR_STATE);
    EXPECT_EQ(engine.reply(tx, id, {}, fx), Status::ERR_STATE);
}

// An observer of failures sees what the handler set before failing, as an observer of replies
// sees the reply's values.
TEST_F(Lifecycle, ObserversOfAFailureSeeTheHandlersValues) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    Pattern failures = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"});
    failures.states.add(State::FAILED);
    std::string obs = open_with(failures);
    std::string tx = open();
    std::string id = send(tx, three_args());
    fx.clear();
    Answer a{{std::int32_t{99}, std::string("partial"), std::string("changed")}, 1600, "disk on fire"};
    ASSERT_EQ(engine.fail(h, id, a, fx), Status::OK);
    ASSERT_EQ(count_observe(obs), 1u);
    for (const MessageView& v : {deliveries_to(obs)[0].message, last_update(tx).message}) {
        EXPECT_EQ(v.header.state, State::FAILED);
        EXPECT_EQ(v.header.status, 1600);
        EXPECT_EQ(v.header.status_string, "disk on fire");
        EXPECT_EQ(v->args[0].value, Value(std::int32_t{1})) << "IN args are not changed";
        EXPECT_EQ(v->args[1].value, Value(std::string("partial")));
        EXPECT_EQ(v->args[2].value, Value(std::string("changed")));
    }
}

TEST_F(Lifecycle, RejectPassesToTheNextHandlerAndFinallyFails) {
    std::string h1 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string h2 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    fx.clear();
    std::string id = send(tx, three_args());
    std::string first = all<Delivery>().at(0).procid;
    std::string second = first == h1 ? h2 : h1;
    fx.clear();
    ASSERT_EQ(engine.reject(first, id, fx), Status::OK);
    EXPECT_EQ(count_handle(second), 1u);
    EXPECT_EQ(count_handle(first), 0u) << "a procid that rejected is never offered it again";
    EXPECT_EQ(engine.reply(first, id, {}, fx), Status::ERR_STATE) << "reply after reject (observed 17)";
    fx.clear();
    ASSERT_EQ(engine.reject(second, id, fx), Status::OK);
    // Observed behaviour 14: the sender never sees TT_REJECTED, only the final failure.
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::FAILED});
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_NO_MATCH));
}

TEST_F(Lifecycle, AcceptOnAnOrdinaryMessageIsANoOp) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    std::string id = send(tx, three_args());
    fx.clear();
    EXPECT_EQ(engine.accept(h, id, fx), Status::OK);
    EXPECT_TRUE(fx.empty());
    EXPECT_EQ(engine.live_message_count(), 1u);
}

TEST_F(Lifecycle, AcceptRejectAndAbstainRefuseAnUnknownIdAlike) {
    std::string h = open();
    for (auto act : {&Engine::accept, &Engine::reject, &Engine::abstain}) {
        EXPECT_EQ((engine.*act)(h, "9 nobody", fx), Status::ERR_STATE);
    }
    EXPECT_TRUE(fx.empty());
}

// ---- Offers ------------------------------------------------------------------------------

TEST_F(Lifecycle, OfferIsReturnedAfterEveryVote) {
    std::string a = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string b = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string c = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Offer"}));
    std::string tx = open();
    fx.clear();
    std::string id = send(tx, make_message(Class::OFFER, Scope::SESSION, "Offer"));
    for (const auto& p : {a, b, c}) {
        ASSERT_EQ(deliveries_to(p).size(), 1u);
        EXPECT_EQ(deliveries_to(p)[0].kind, DeliveryKind::VOTE);
    }
    fx.clear();
    EXPECT_EQ(engine.reply(a, id, {}, fx), Status::ERR_CLASS);
    ASSERT_EQ(engine.accept(a, id, fx), Status::OK);
    ASSERT_EQ(engine.reject(b, id, fx), Status::OK);
    EXPECT_TRUE(states_seen_by(tx).empty()) << "not until every recipient voted";
    ASSERT_EQ(engine.abstain(c, id, fx), Status::OK);
    Update u = last_update(tx);
    EXPECT_EQ(u.message.header.state, State::RETURNED);
    EXPECT_EQ(u.message.header.accepters, std::vector<std::string>{a});
    EXPECT_EQ(u.message.header.rejecters, std::vector<std::string>{b});
    EXPECT_EQ(u.message.header.abstainers, std::vector<std::string>{c});
    // Observed behaviour 6: voters without a state filter also get the TT_RETURNED copy.
    EXPECT_EQ(count_observe(a) + count_observe(b) + count_observe(c), 3u);
    EXPECT_EQ(engine.abstain(c, id, fx), Status::ERR_STATE);
}

TEST_F(Lifecycle, OfferWithoutRecipientsReturnsAtOnce) {
    std::string tx = open();
    send(tx, make_message(Class::OFFER, Scope::SESSION, "Nobody"));
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::RETURNED});
}

TEST_F(Lifecycle, AVoterThatDiesAbstains) {
    std::string a = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Offer"}));
    std::string tx = open();
    std::string id = send(tx, make_message(Class::OFFER, Scope::SESSION, "Offer"));
    fx.clear();
    ASSERT_EQ(engine.close(a, CloseReason::DIED, fx), Status::OK);
    Update u = last_update(tx);
    EXPECT_EQ(u.message.header.state, State::RETURNED);
    EXPECT_EQ(u.message.header.abstainers, std::vector<std::string>{a});
}

// ---- Dispositions without a start string --------------------------------------------------

TEST_F(Lifecycle, DiscardFailsRequestsAndDropsNotices) {
    std::string tx = open();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "op"));
    EXPECT_TRUE(fx.empty());
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_NO_MATCH));
}

class Queueing : public EngineTest {
protected:
    void SetUp() override {
        EngineTest::SetUp();
        Ptype mail;
        mail.id = "Mailer";  // no start string
        mail.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Compose", {}, Disposition::QUEUE, 5));
        mail.signatures.push_back(sig(Category::HANDLE, Scope::FILE, "Lock", {}, Disposition::QUEUE));
        mail.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Ping", {}, Disposition::START));
        mail.signatures.push_back(
            sig(Category::HANDLE, Scope::SESSION, "Later", {}, static_cast<Disposition>(3)));
        load({mail});
    }
};

TEST_F(Queueing, QueuedRequestWaitsForAHandlerOfThePtype) {
    std::string tx = open();
    std::string id = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Compose"));
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::QUEUED});
    ASSERT_EQ(all<Queued>().size(), 1u);
    EXPECT_EQ(engine.queued_count(), 1u);

    std::string h = open();
    fx.clear();
    ASSERT_EQ(engine.ptype_declare(h, "Mailer", fx), Status::OK);
    EXPECT_TRUE(deliveries_to(h).empty()) << "not yet in the session";
    ASSERT_EQ(engine.session_join(h, "S1", fx), Status::OK);
    ASSERT_EQ(count_handle(h), 1u);
    const Delivery d = deliveries_to(h)[0];
    EXPECT_EQ(d.message.header.status, 0) << "observed 11, fixed: delivered with TT_OK";
    EXPECT_EQ(d.message.header.opnum, 5);
    EXPECT_FALSE(d.start_message);
    EXPECT_EQ(all<Dequeued>().size(), 1u);
    EXPECT_EQ(engine.queued_count(), 0u);
    fx.clear();
    ASSERT_EQ(engine.reply(h, id, {}, fx), Status::OK);
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::HANDLED});
}

TEST_F(Queueing, FileScopedRequestsCannotBeQueued) {
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::FILE, "Lock");
    m.body.file = "/mbox";
    send(tx, m);
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_UNIMP));
    EXPECT_EQ(engine.queued_count(), 0u);
}

TEST_F(Queueing, StartWithoutStartStringFails) {
    std::string tx = open();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Ping"));
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::FAILED});
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_PTYPE_START));
    EXPECT_TRUE(all<StartPtype>().empty());
}

// ttbus follows the manual here: START+QUEUE queues when the start is impossible.
TEST_F(Queueing, StartPlusQueueFallsBackToTheQueue) {
    std::string tx = open();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Later"));
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::QUEUED});
    EXPECT_EQ(engine.queued_count(), 1u);
}

TEST_F(Queueing, QueuedNoticeIsDeliveredLater) {
    std::string tx = open();
    Message n = make_message(Class::NOTICE, Scope::SESSION, "Compose");
    send(tx, n);
    EXPECT_EQ(engine.queued_count(), 1u);
    EXPECT_TRUE(all<Update>().empty());
    std::string h = open();
    engine.ptype_declare(h, "Mailer", fx);
    fx.clear();
    engine.session_join(h, "S1", fx);
    EXPECT_EQ(count_handle(h), 1u);
}

// ---- Starting ptypes -----------------------------------------------------------------------

class Starting : public EngineTest {
protected:
    void SetUp() override {
        EngineTest::SetUp();
        Ptype ed;
        ed.id = "Editor";
        ed.start = "exec example-editor -server";
        ed.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Edit", {}, Disposition::START, 101));
        ed.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Note", {}, Disposition::START, 102));
        ed.signatures.push_back(
            sig(Category::HANDLE, Scope::SESSION, "EditQ", {}, static_cast<Disposition>(3), 103));
        Ptype watcher;
        watcher.id = "Watcher";
        watcher.start = "watcher";
        watcher.signatures.push_back(sig(Category::OBSERVE, Scope::SESSION, "Save", {}, Disposition::START, 7));
        load({ed, watcher});
        tx = open();
        fx.clear();
    }
    StartPtype only_start() {
        auto s = all<StartPtype>();
        EXPECT_EQ(s.size(), 1u);
        return s.empty() ? StartPtype{} : s[0];
    }
    // What a started handler does: open with its token, declare, join.
    std::string started_handler(const std::string& token, const std::string& ptype = "Editor") {
        std::string h = open("S1", token);
        EXPECT_EQ(engine.ptype_declare(h, ptype, fx), Status::OK);
        EXPECT_EQ(engine.session_join(h, "S1", fx), Status::OK);
        return h;
    }
    std::string tx;
};

TEST_F(Starting, StartEffectCarriesCommandAndEnvironment) {
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Edit");
    m.body.file = "/home/u/notes.txt";
    m.body.contexts = {{"$PROJECT", std::string("ttbus")}, {"$LINES", std::int32_t{42}},
                       {"$LD_PRELOAD", std::string("/tmp/evil.so")}, {"$TT_SESSION", std::string("forged")},
                       {"$bad-name", std::string("x")}, {"plain", std::string("not exported")}};
    send(tx, m);
    StartPtype s = only_start();
    EXPECT_EQ(s.ptype, "Editor");
    EXPECT_EQ(s.command, "exec example-editor -server");
    EXPECT_FALSE(s.token.empty());
    auto env = [&](const std::string& k) -> std::string {
        std::string v = "(missing)";
        for (const auto& [name, value] : s.environment) if (name == k) v = value;
        return v;
    };
    EXPECT_EQ(env("TT_TOKEN"), s.token);
    EXPECT_EQ(env("TT_SESSION"), "S1");
    EXPECT_EQ(env("TT_FILE"), "/home/u/notes.txt");
    EXPECT_EQ(env("PROJECT"), "ttbus");
    EXPECT_EQ(env("LINES"), "42");
    EXPECT_EQ(env("LD_PRELOAD"), "(missing)");
    EXPECT_EQ(env("plain"), "(missing)");
    EXPECT_EQ(std::count_if(s.environment.begin(), s.environment.end(),
                            [](const auto& kv) { return kv.first == "TT_SESSION"; }),
              1) << "a context cannot override what ToolTalk sets";
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::STARTED});
}

// Observed behaviour 12: STARTED, then the start message, the ptype blocked until answered.
TEST_F(Starting, StartMessageAndBlocking) {
    std::string first = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    std::string second = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    StartPtype s = only_start();  // one launch for both
    fx.clear();
    std::string h = open("S1", s.token);
    ASSERT_EQ(deliveries_to(h).size(), 1u) << "the start message waits for nobody's patterns";
    const Delivery d = deliveries_to(h)[0];
    EXPECT_TRUE(d.start_message);
    EXPECT_EQ(d.message->id, first);
    EXPECT_EQ(d.message.header.status, static_cast<int>(Status::WRN_START_MESSAGE));
    EXPECT_EQ(d.message.header.handler, h);
    engine.ptype_declare(h, "Editor", fx);
    engine.session_join(h, "S1", fx);
    EXPECT_EQ(deliveries_to(h).size(), 1u) << "the second request stays blocked";
    fx.clear();
    ASSERT_EQ(engine.reply(h, first, Answer{{}, static_cast<int>(Status::WRN_START_MESSAGE), {}}, fx), Status::OK);
    EXPECT_EQ(last_update(tx).message.header.status, 0) << "the start mark is cleared by the answer";
    ASSERT_EQ(deliveries_to(h).size(), 1u) << "unblocked: the second goes through normal matching";
    EXPECT_EQ(deliveries_to(h)[0].message->id, second);
    EXPECT_FALSE(deliveries_to(h)[0].start_message);
    fx.clear();
    ASSERT_EQ(engine.reply(h, second, {}, fx), Status::OK);
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::HANDLED});
}

// The block holds whatever comes for the ptype while the start message is unanswered, also a
// request sent after the started instance declared (a sender slower than the start).
TEST_F(Starting, ARequestAfterTheDeclarationWaitsForTheStartMessagesAnswer) {
    std::string first = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    std::string h = started_handler(only_start().token);
    fx.clear();
    std::string second = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    EXPECT_TRUE(deliveries_to(h).empty()) << "blocked until the start message is answered";
    EXPECT_TRUE(all<StartPtype>().empty()) << "it waits for the instance being started, not another";
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::STARTED});
    fx.clear();
    ASSERT_EQ(engine.reply(h, first, {}, fx), Status::OK);
    ASSERT_EQ(deliveries_to(h).size(), 1u);
    EXPECT_EQ(deliveries_to(h)[0].message->id, second);
    EXPECT_FALSE(deliveries_to(h)[0].start_message);
    fx.clear();
    ASSERT_EQ(engine.reply(h, second, {}, fx), Status::OK);
    // Once answered, the ptype is open: the next request goes straight to the instance.
    fx.clear();
    std::string third = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    ASSERT_EQ(deliveries_to(h).size(), 1u);
    EXPECT_EQ(deliveries_to(h)[0].message->id, third);
}

TEST_F(Starting, AcceptUnblocksThePtype) {
    std::string first = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    std::string second = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    std::string h = started_handler(only_start().token);
    fx.clear();
    ASSERT_EQ(engine.accept(h, first, fx), Status::OK);
    ASSERT_EQ(deliveries_to(h).size(), 1u);
    EXPECT_EQ(deliveries_to(h)[0].message->id, second);
}

TEST_F(Starting, ClassicTokenIsThePtypeAndDeclaringAlsoClaims) {
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    fx.clear();
    std::string by_ptype_token = open("S1", "Editor");
    EXPECT_EQ(deliveries_to(by_ptype_token).size(), 1u);

    Engine other;
    other.session_create("S1");
    Ptype ed = *engine.types().find_ptype("Editor");
    other.set_types(TypeDb::build({ed}, {}));
    Effects o;
    std::string sender, h;
    other.open({"S1", 0, 0, {}}, o, &sender);
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Edit");
    other.send(sender, m, o, nullptr);
    other.open({"S1", 0, 0, {}}, o, &h);  // a unit started by name: no token
    o.clear();
    ASSERT_EQ(other.ptype_declare(h, "Editor", o), Status::OK);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_TRUE(std::get<Delivery>(o[0]).start_message);
}

TEST_F(Starting, LaunchFailureFailsEveryWaitingMessage) {
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    std::string q = send(tx, make_message(Class::REQUEST, Scope::SESSION, "EditQ"));
    StartPtype s = only_start();
    fx.clear();
    ASSERT_EQ(engine.launch_ended(s.token, fx), Status::OK);
    auto ups = all<Update>();
    ASSERT_EQ(ups.size(), 3u);
    EXPECT_EQ(ups[0].message.header.state, State::FAILED);
    EXPECT_EQ(ups[0].message.header.status, static_cast<int>(Status::ERR_PTYPE_START));
    EXPECT_EQ(ups[1].message.header.status, static_cast<int>(Status::ERR_PTYPE_START));
    EXPECT_EQ(ups[2].message->id, q);
    EXPECT_EQ(ups[2].message.header.state, State::QUEUED) << "START+QUEUE keeps it for a later handler";
    EXPECT_EQ(engine.launch_ended(s.token, fx), Status::WRN_NOTFOUND);
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    EXPECT_EQ(all<StartPtype>().size(), 1u) << "a later message launches again";
}

// Fix: a wrapper that exits after its child took the start message does not fail anything.
TEST_F(Starting, LauncherExitAfterHandOverIsFine) {
    std::string first = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    StartPtype s = only_start();
    std::string h = started_handler(s.token);
    fx.clear();
    ASSERT_EQ(engine.launch_ended(s.token, fx), Status::OK);
    EXPECT_TRUE(fx.empty());
    ASSERT_EQ(engine.reply(h, first, {}, fx), Status::OK);
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::HANDLED});
}

TEST_F(Starting, RejectedStartMessageDoesNotStartAgain) {
    std::string first = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    std::string h = started_handler(only_start().token);
    fx.clear();
    ASSERT_EQ(engine.reject(h, first, fx), Status::OK);
    EXPECT_TRUE(all<StartPtype>().empty());
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::FAILED});
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_NO_MATCH));
}

TEST_F(Starting, StartedHandlerThatDiesFailsWithProcidAndUnblocks) {
    std::string first = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Edit"));
    std::string second = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    std::string h = started_handler(only_start().token);
    fx.clear();
    ASSERT_EQ(engine.close(h, CloseReason::DIED, fx), Status::OK);
    auto ups = all<Update>();
    ASSERT_GE(ups.size(), 1u);
    EXPECT_EQ(ups[0].message->id, first);
    EXPECT_EQ(ups[0].message.header.status, static_cast<int>(Status::ERR_PROCID));
    EXPECT_EQ(all<StartPtype>().size(), 1u) << "the second request needs a new instance";
    fx.clear();
    std::string h2 = open("S1", "Editor");
    ASSERT_EQ(deliveries_to(h2).size(), 1u);
    EXPECT_EQ(deliveries_to(h2)[0].message->id, second);
}

TEST_F(Starting, NoticeCanStartAndItsAnswerUnblocks) {
    std::string n = send(tx, make_message(Class::NOTICE, Scope::SESSION, "Edit"));
    std::string r = send(tx, make_message(Class::REQUEST, Scope::SESSION, "Note"));
    std::string h = started_handler(only_start().token);
    fx.clear();
    ASSERT_EQ(engine.reply(h, n, {}, fx), Status::OK) << "a start message may be replied even if a notice";
    ASSERT_EQ(deliveries_to(h).size(), 1u);
    EXPECT_EQ(deliveries_to(h)[0].message->id, r);
}

TEST_F(Starting, UnkeptObservePromiseStartsTheObserverPtype) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"Save"}));
    fx.clear();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "Save"));
    auto starts = all<StartPtype>();
    ASSERT_EQ(starts.size(), 1u) << "the notice has a handler, but Watcher's promise is not kept";
    EXPECT_EQ(starts[0].ptype, "Watcher");
    EXPECT_EQ(count_handle(h), 1u);
    fx.clear();
    std::string w = open("S1", starts[0].token);
    ASSERT_EQ(deliveries_to(w).size(), 1u);
    EXPECT_EQ(deliveries_to(w)[0].kind, DeliveryKind::OBSERVE);
    EXPECT_TRUE(deliveries_to(w)[0].start_message);
    EXPECT_EQ(deliveries_to(w)[0].message.header.opnum, 7);
}

// ---- Procid death and send-on-exit ---------------------------------------------------------

TEST_F(Lifecycle, HandlerDeathFailsPendingRequests) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    send(tx, three_args());
    send(tx, three_args());
    fx.clear();
    ASSERT_EQ(engine.close(h, CloseReason::CLOSED, fx), Status::OK);
    auto ups = all<Update>();
    ASSERT_EQ(ups.size(), 2u);
    for (const auto& u : ups) {
        EXPECT_EQ(u.message.header.state, State::FAILED);
        EXPECT_EQ(u.message.header.status, static_cast<int>(Status::ERR_PROCID));
    }
    EXPECT_EQ(engine.live_message_count(), 0u);
    EXPECT_FALSE(engine.procid_info(h).has_value());
}

TEST_F(Lifecycle, AnswerToASenderThatLeftGoesNowhere) {
    std::string h = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    std::string id = send(tx, three_args());
    ASSERT_EQ(engine.close(tx, CloseReason::CLOSED, fx), Status::OK);
    fx.clear();
    ASSERT_EQ(engine.reply(h, id, {}, fx), Status::OK);
    EXPECT_TRUE(all<Update>().empty());
    EXPECT_EQ(engine.live_message_count(), 0u);
}

TEST_F(Lifecycle, SendOnExit) {
    std::string obs = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Bye"}));
    std::string a = open();
    EXPECT_EQ(engine.send_on_exit(a, make_message(Class::NOTICE, Scope::FILE, "Bye")), Status::ERR_SCOPE);
    EXPECT_EQ(engine.send_on_exit(a, make_message(Class::NOTICE, Scope::SESSION, "Bye", Address::OTYPE)),
              Status::ERR_ADDRESS);
    ASSERT_EQ(engine.send_on_exit(a, make_message(Class::NOTICE, Scope::SESSION, "Bye")), Status::OK);
    fx.clear();
    ASSERT_EQ(engine.close(a, CloseReason::CLOSED, fx), Status::OK);
    EXPECT_TRUE(deliveries_to(obs).empty()) << "tt_close cancels them";

    std::string b = open();
    ASSERT_EQ(engine.send_on_exit(b, make_message(Class::NOTICE, Scope::SESSION, "Bye")), Status::OK);
    fx.clear();
    ASSERT_EQ(engine.close(b, CloseReason::DIED, fx), Status::OK);
    ASSERT_EQ(deliveries_to(obs).size(), 1u);
    EXPECT_EQ(deliveries_to(obs)[0].message->sender, b);
}

// Found by the engine fuzzer: an on-exit request addressed to the dying procid itself must not
// stay live forever waiting for an answer nobody can give.
TEST_F(Lifecycle, OnExitRequestToItselfDoesNotOutliveIt) {
    std::string a = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Bye", Address::HANDLER);
    m.header.handler = a;
    ASSERT_EQ(engine.send_on_exit(a, m), Status::OK);
    ASSERT_EQ(engine.close(a, CloseReason::DIED, fx), Status::OK);
    EXPECT_TRUE(all<Delivery>().empty());
    EXPECT_EQ(engine.live_message_count(), 0u);
}

TEST(StartEnvironment, NamesAllowed) {
    EXPECT_TRUE(context_env_allowed("PROJECT"));
    EXPECT_TRUE(context_env_allowed("_x1"));
    EXPECT_FALSE(context_env_allowed("1abc"));
    EXPECT_FALSE(context_env_allowed("TT_FILE"));
    EXPECT_FALSE(context_env_allowed("_SUN_TT_TOKEN"));
    EXPECT_FALSE(context_env_allowed("LD_LIBRARY_PATH"));
    EXPECT_FALSE(context_env_allowed(""));
    EXPECT_FALSE(context_env_allowed("A=B"));
}

}  // namespace
}  // namespace ttbus::core

namespace ttbus::core {
namespace {

using namespace test;

// A broker restart: what one engine queued, another takes back and delivers to the next handler.
TEST_F(Queueing, QueuedMessagesSurviveARestart) {
    std::string tx = open();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "Compose"));
    auto queued = all<Queued>();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_FALSE(queued[0].observer_copy);

    Engine restarted;
    restarted.session_create("S1");
    restarted.set_types(engine.types_snapshot());
    ASSERT_EQ(restarted.queue_restore(queued[0]), Status::OK);
    EXPECT_EQ(restarted.queue_restore(queued[0]), Status::ERR_INVALID) << "once";
    Queued elsewhere = queued[0];
    elsewhere.queue.name = "gone";
    EXPECT_EQ(restarted.queue_restore(elsewhere), Status::ERR_SESSION);
    EXPECT_EQ(restarted.queued_count(), 1u);
    EXPECT_EQ(restarted.live_message_count(), 1u);

    Effects out;
    std::string h;
    ASSERT_EQ(restarted.open({"S1", 0, 0, {}}, out, &h), Status::OK);
    ASSERT_EQ(restarted.ptype_declare(h, "Mailer", out), Status::OK);
    ASSERT_EQ(restarted.session_join(h, "S1", out), Status::OK);
    bool delivered = false;
    for (const auto& e : out) {
        if (const auto* d = std::get_if<Delivery>(&e)) delivered |= d->procid == h && d->message->id == queued[0].message->id;
    }
    EXPECT_TRUE(delivered);
    EXPECT_EQ(restarted.queued_count(), 0u) << "delivered means dequeued";
    out.clear();
    EXPECT_EQ(restarted.reply(h, queued[0].message->id, {}, out), Status::OK) << "the handler can answer it";
    EXPECT_EQ(restarted.live_message_count(), 0u);
}

}  // namespace
}  // namespace ttbus::core
