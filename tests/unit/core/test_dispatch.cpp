// Sending and dispatch (reference §5.2–5.4, §5.7; observed behaviour 5–10).
#include "fixture.h"

namespace ttbus::core {
namespace {

using namespace test;

class Dispatch : public EngineTest {};

struct SendRow {
    const char* what;
    Message message;
    Status status;
};

// Observed behaviour 10: checks come in this order, and a rejected send changes nothing.
TEST_F(Dispatch, SendValidation) {
    auto ok = [] { return make_message(Class::REQUEST, Scope::SESSION, "op"); };
    std::vector<SendRow> rows;
    {
        Message m = ok();
        m.body.cls = Class::UNDEFINED;
        m.body.address = Address::LAST;
        m.header.scope = Scope::NONE;
        rows.push_back({"class first", m, Status::ERR_CLASS});
        m.body.cls = Class::LAST;
        rows.push_back({"class LAST", m, Status::ERR_CLASS});
        m.body.cls = Class::NOTICE;
        rows.push_back({"then address", m, Status::ERR_ADDRESS});
        m.body.address = Address::PROCEDURE;
        rows.push_back({"then scope", m, Status::ERR_SCOPE});
    }
    {
        Message m = ok();
        m.body.cls = Class::OFFER;
        m.body.address = Address::HANDLER;
        m.header.handler = "x";
        rows.push_back({"offers are procedural", m, Status::ERR_ADDRESS});
        m = ok();
        m.body.address = Address::HANDLER;
        rows.push_back({"TT_HANDLER without handler", m, Status::ERR_PROCID});
        for (Scope s : {Scope::FILE, Scope::BOTH, Scope::FILE_IN_SESSION}) {
            m = ok();
            m.header.scope = s;
            rows.push_back({"file scope without a file", m, Status::ERR_FILE});
        }
        m = ok();
        m.header.scope = static_cast<Scope>(9);
        rows.push_back({"scope out of range", m, Status::ERR_SCOPE});
        m = ok();
        m.body.address = Address::OBJECT;
        m.body.otype = "Doc";
        rows.push_back({"object without objid", m, Status::ERR_OBJID});
        m = ok();
        m.body.address = Address::OTYPE;
        rows.push_back({"otype address without otype", m, Status::ERR_OTYPE});
        m = ok();
        m.header.state = State::SENT;
        rows.push_back({"not in CREATED state", m, Status::ERR_STATE});
        m = ok();
        m.header.disposition = static_cast<Disposition>(4);
        rows.push_back({"disposition out of range", m, Status::ERR_DISPOSITION});
        m = ok();
        m.body.args.push_back(arg(static_cast<Mode>(5), "int"));
        rows.push_back({"bad arg mode", m, Status::ERR_MODE});
        m = ok();
        m.body.args.push_back(arg(Mode::IN, ""));
        rows.push_back({"empty vtype", m, Status::ERR_VTYPE});
        m = ok();
        m.body.contexts.push_back({"", std::int32_t{1}});
        rows.push_back({"empty slot", m, Status::ERR_SLOTNAME});
        m = ok();
        m.body.session = "not-a-session";
        rows.push_back({"unknown session", m, Status::ERR_SESSION});
    }
    std::string tx = open();
    for (const auto& r : rows) {
        std::string id = "untouched";
        EXPECT_EQ(engine.send(tx, r.message, fx, &id), r.status) << r.what;
        EXPECT_EQ(id, "untouched") << r.what;
    }
    EXPECT_TRUE(fx.empty());
    EXPECT_EQ(engine.live_message_count(), 0u);
}

TEST_F(Dispatch, SecondSendOfTheSameMessageIsAStateError) {
    open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));  // holds the request unanswered
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "op");
    m.body.id = "42 client";
    ASSERT_EQ(engine.send(tx, m, fx, nullptr), Status::OK);
    fx.clear();
    EXPECT_EQ(engine.send(tx, m, fx, nullptr), Status::ERR_STATE) << "the id is still live";
    EXPECT_TRUE(fx.empty());
}

// libtt chooses ids of the broker's own form ("<n> <procid>"); the broker's numbering steps over them.
TEST_F(Dispatch, BrokerIdsStepOverAClientsLiveIds) {
    open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));  // holds the requests unanswered
    std::string tx = open();
    Message chosen = make_message(Class::REQUEST, Scope::SESSION, "op");
    chosen.body.id = "1 " + tx;
    ASSERT_EQ(engine.send(tx, chosen, fx, nullptr), Status::OK);
    chosen.body.id = "2 " + tx;
    ASSERT_EQ(engine.send(tx, chosen, fx, nullptr), Status::OK);
    std::string id;
    ASSERT_EQ(engine.send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"), fx, &id), Status::OK);
    EXPECT_NE(id, "1 " + tx);
    EXPECT_NE(id, "2 " + tx);
    EXPECT_EQ(engine.live_message_count(), 3u);
}

// Observed behaviour 10: send does not check the op.
TEST_F(Dispatch, OplessMessages) {
    std::string tx = open();
    std::string id = send(tx, make_message(Class::NOTICE, Scope::SESSION, ""));
    EXPECT_FALSE(id.empty());
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, ""));
    Update u = last_update(tx);
    EXPECT_EQ(u.message.header.state, State::FAILED);
    EXPECT_EQ(u.message.header.status, static_cast<int>(Status::ERR_NO_MATCH));
}

TEST_F(Dispatch, EngineStampsSenderFields) {
    std::string tx = open();
    std::string rx = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}));
    Message m = make_message(Class::NOTICE, Scope::SESSION, "op");
    m.body.uid = 0;  // a client cannot claim to be root
    m.body.gid = 0;
    m.body.sender = "someone-else";
    m.body.contexts = {{"z", std::int32_t{1}}, {"a", std::int32_t{2}}};
    std::string id = send(tx, m);
    ASSERT_EQ(deliveries_to(rx).size(), 1u);
    const MessageView v = deliveries_to(rx)[0].message;
    EXPECT_EQ(v->id, id);
    EXPECT_EQ(v->sender, tx);
    EXPECT_EQ(v->uid, 1000u);
    EXPECT_EQ(v->gid, 100u);
    EXPECT_EQ(v->session, "S1") << "defaults to the sender's session";
    EXPECT_EQ(v->contexts[0].slot, "a") << "contexts are kept sorted";
    EXPECT_EQ(v.header.state, State::SENT);
}

// ---- Stage 1: static signatures ----------------------------------------------------------

class Signatures : public EngineTest {
protected:
    void SetUp() override {
        EngineTest::SetUp();
        Ptype ed;
        ed.id = "Editor";
        ed.start = "editor";
        ed.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Display", {{Mode::IN, "ALL", "c", {}}},
                                    Disposition::START, 1));
        ed.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Display",
                                    {{Mode::IN, "ALL", "c", {}}, {Mode::IN, "messageID", "m", {}}},
                                    Disposition::START, 2));
        ed.signatures.push_back(sig(Category::HANDLE, Scope::BOTH, "Quit", {}, Disposition::DISCARD, 30));
        ed.signatures.push_back(sig(Category::OBSERVE, Scope::SESSION, "Status", {}, Disposition::QUEUE, 40));
        Ptype viewer;
        viewer.id = "Viewer";
        viewer.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Display",
                                        {{Mode::IN, "string", "c", {}}}, Disposition::QUEUE, 9));
        viewer.signatures.push_back(sig(Category::OBSERVE, Scope::SESSION, "Status", {}, Disposition::DISCARD, 41));
        load({ed, viewer});
    }
    // A generic handler that sees every request for `op` and reports what stage 1 stamped.
    MessageHeader stamped(Message m) {
        std::string spy = open_with(make_pattern(Category::HANDLE, {Scope::SESSION, Scope::BOTH}, {m.body.op}));
        std::string tx = open();
        fx.clear();
        send(tx, m);
        auto d = deliveries_to(spy);
        EXPECT_EQ(d.size(), 1u);
        return d.empty() ? MessageHeader{} : d[0].message.header;
    }
};

TEST_F(Signatures, BestSignatureStampsOpnumPtypeAndDisposition) {
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Display");
    m.body.args = {arg(Mode::IN, "string", std::string("hello"))};
    m.header.disposition = Disposition::DISCARD;
    MessageHeader h = stamped(m);
    // Viewer's (in string) beats Editor's (in ALL): an exact vtype scores higher than ALL.
    EXPECT_EQ(h.handler_ptype, "Viewer");
    EXPECT_EQ(h.opnum, 9);
    EXPECT_EQ(h.disposition, Disposition::QUEUE) << "the signature's disposition overrides the sender's";
}

TEST_F(Signatures, ArgCountSelectsSignature) {
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Display");
    m.body.args = {arg(Mode::IN, "text/plain"), arg(Mode::IN, "messageID")};
    MessageHeader h = stamped(m);
    EXPECT_EQ(h.handler_ptype, "Editor");
    EXPECT_EQ(h.opnum, 2);
    EXPECT_EQ(h.disposition, Disposition::START);
}

// Reference §5.3: a signature written without scope is TT_BOTH and only matches TT_BOTH messages.
TEST_F(Signatures, ExactScopeEquality) {
    MessageHeader session = stamped(make_message(Class::REQUEST, Scope::SESSION, "Quit"));
    EXPECT_TRUE(session.handler_ptype.empty());
    EXPECT_EQ(session.opnum, -1);
    fx.clear();
    Message m = make_message(Class::REQUEST, Scope::BOTH, "Quit");
    m.body.file = "/doc";
    MessageHeader both = stamped(m);
    EXPECT_EQ(both.handler_ptype, "Editor");
    EXPECT_EQ(both.opnum, 30);
}

TEST_F(Signatures, SenderNamedHandlerPtypeRestrictsSignatures) {
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Display");
    m.body.args = {arg(Mode::IN, "string")};
    m.header.handler_ptype = "Editor";
    MessageHeader h = stamped(m);
    EXPECT_EQ(h.handler_ptype, "Editor");
    EXPECT_EQ(h.opnum, 1);
}

TEST_F(Signatures, UnknownHandlerPtypeFailsTheRequest) {
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Display");
    m.header.handler_ptype = "NoSuchPtype";
    send(tx, m);  // accepted, then failed by the server like classic ToolTalk
    Update u = last_update(tx);
    EXPECT_EQ(u.message.header.state, State::FAILED);
    EXPECT_EQ(u.message.header.status, static_cast<int>(Status::ERR_PTYPE));
    EXPECT_EQ(engine.live_message_count(), 0u);
}

// Static observers see only the promise copy for their ptype; dynamic observers only the original.
TEST_F(Signatures, ObservePromises) {
    std::string ed = open();
    ASSERT_EQ(engine.ptype_declare(ed, "Editor", fx), Status::OK);
    ASSERT_EQ(engine.session_join(ed, "S1", fx), Status::OK);
    std::string viewer = open();
    ASSERT_EQ(engine.ptype_declare(viewer, "Viewer", fx), Status::OK);
    ASSERT_EQ(engine.session_join(viewer, "S1", fx), Status::OK);
    std::string dyn = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Status"}));
    std::string tx = open();
    fx.clear();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "Status"));
    ASSERT_EQ(deliveries_to(ed).size(), 1u);
    EXPECT_EQ(deliveries_to(ed)[0].message.header.opnum, 40) << "the promise copy carries the ptype's opnum";
    ASSERT_EQ(deliveries_to(viewer).size(), 1u);
    EXPECT_EQ(deliveries_to(viewer)[0].message.header.opnum, 41);
    ASSERT_EQ(deliveries_to(dyn).size(), 1u);
    EXPECT_EQ(deliveries_to(dyn)[0].message.header.opnum, -1) << "the original";
    EXPECT_TRUE(engine.queued_count() == 0u) << "all promises were kept";
}

TEST_F(Signatures, UnkeptQueuePromiseQueuesACopyForThePtype) {
    std::string tx = open();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "Status"));
    EXPECT_EQ(engine.queued_count(), 1u) << "Editor's observe signature queues; Viewer's discards";
    auto q = all<Queued>();
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].ptype, "Editor");
    EXPECT_EQ(q[0].queue, (QueueKey{Scope::SESSION, "S1"}));
    fx.clear();
    std::string ed = open();
    ASSERT_EQ(engine.ptype_declare(ed, "Editor", fx), Status::OK);
    EXPECT_TRUE(deliveries_to(ed).empty()) << "patterns not in the session yet";
    ASSERT_EQ(engine.session_join(ed, "S1", fx), Status::OK);
    ASSERT_EQ(deliveries_to(ed).size(), 1u);
    EXPECT_EQ(deliveries_to(ed)[0].kind, DeliveryKind::OBSERVE);
    EXPECT_EQ(all<Dequeued>().size(), 1u);
    EXPECT_EQ(engine.queued_count(), 0u);
}

// ---- Stage 2: handler choice ------------------------------------------------------------

TEST_F(Dispatch, PushBeatsRotateBeatsHandleWhateverTheScore) {
    Pattern specific = make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"});
    specific.classes.add(Class::REQUEST);
    specific.states.add(State::SENT);
    std::string handle = open_with(specific);
    std::string rotate = open_with(make_pattern(Category::HANDLE_ROTATE, {Scope::SESSION}, {"op"}));
    std::string push = open_with(make_pattern(Category::HANDLE_PUSH, {Scope::SESSION}, {}));
    std::string tx = open();
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(push), 1u);
    EXPECT_EQ(count_handle(rotate) + count_handle(handle), 0u);
    ASSERT_EQ(engine.close(push, CloseReason::CLOSED, fx), Status::OK);
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(rotate), 1u);
    EXPECT_EQ(count_handle(handle), 0u);
}

TEST_F(Dispatch, PushTiesGoToTheNewestHigherScoreWins) {
    std::string older = open_with(make_pattern(Category::HANDLE_PUSH, {Scope::SESSION}, {"op"}));
    std::string newer = open_with(make_pattern(Category::HANDLE_PUSH, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(newer), 1u);
    Pattern better = make_pattern(Category::HANDLE_PUSH, {Scope::SESSION}, {"op"});
    better.classes.add(Class::REQUEST);
    std::string oldest_but_best = open();
    ASSERT_EQ(engine.pattern_register(oldest_but_best, better, nullptr), Status::OK);
    ASSERT_EQ(engine.session_join(oldest_but_best, "S1", fx), Status::OK);
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(oldest_but_best), 1u);
    (void)older;
}

TEST_F(Dispatch, RotateRoundRobinsOnTies) {
    std::vector<std::string> h;
    for (int i = 0; i < 3; ++i) h.push_back(open_with(make_pattern(Category::HANDLE_ROTATE, {Scope::SESSION}, {"op"})));
    std::string tx = open();
    std::vector<std::string> order;
    for (int i = 0; i < 6; ++i) {
        fx.clear();
        send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
        auto d = all<Delivery>();
        ASSERT_EQ(d.size(), 1u);
        order.push_back(d[0].procid);
    }
    EXPECT_EQ(order, (std::vector<std::string>{h[0], h[1], h[2], h[0], h[1], h[2]}));
}

TEST_F(Dispatch, HandleTiesGoToTheFirstScannedOplessFirstThenNewest) {
    std::string a = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {}));
    std::string b = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {}));
    std::string tx = open();
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(b), 1u) << "the newest op-less pattern is scanned first";
    // An op pattern scores one more than an op-less one, so specificity decides.
    std::string c = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    fx.clear();
    send(tx, make_message(Class::REQUEST, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(c), 1u);
    (void)a;
}

TEST_F(Dispatch, MoreSpecificHandlerWins) {
    Pattern general = make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"});
    Pattern specific = general;
    specific.args.push_back({Mode::IN, "int", std::int32_t{3}});
    std::string s = open_with(specific);
    std::string g = open_with(general);
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "op");
    m.body.args = {arg(Mode::IN, "int", std::int32_t{3})};
    fx.clear();
    send(tx, m);
    EXPECT_EQ(count_handle(s), 1u);
    EXPECT_EQ(count_handle(g), 0u);
}

TEST_F(Dispatch, ObserversGetACopyPerPatternIncludingTheSender) {
    Pattern obs = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"});
    std::string rx = open();
    engine.pattern_register(rx, obs, nullptr);
    engine.pattern_register(rx, obs, nullptr);
    engine.session_join(rx, "S1", fx);
    std::string tx = open_with(obs);
    fx.clear();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "op"));
    EXPECT_EQ(count_observe(rx), 2u);
    EXPECT_EQ(count_observe(tx), 1u) << "no sender exclusion";
}

TEST_F(Dispatch, NoticeHasOneHandlerAndAllObservers) {
    std::string h1 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string h2 = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string o1 = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}));
    std::string o2 = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    fx.clear();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "op"));
    EXPECT_EQ(count_handle(h1) + count_handle(h2), 1u);
    EXPECT_EQ(count_observe(o1), 1u);
    EXPECT_EQ(count_observe(o2), 1u);
    EXPECT_TRUE(all<Update>().empty()) << "notices get no state updates";
    EXPECT_EQ(engine.live_message_count(), 0u);
}

TEST_F(Dispatch, SessionsAreSeparate) {
    std::string in_s2 = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}), "S2");
    std::string tx = open("S1");
    fx.clear();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "op"));
    EXPECT_TRUE(deliveries_to(in_s2).empty());
    Message m = make_message(Class::NOTICE, Scope::SESSION, "op");
    m.body.session = "S2";
    send(tx, m);
    EXPECT_EQ(deliveries_to(in_s2).size(), 1u);
}

TEST_F(Dispatch, FileScopeCrossesSessions) {
    Pattern p = make_pattern(Category::OBSERVE, {Scope::FILE}, {"Saved"});
    std::string rx = open("S2");
    engine.pattern_register(rx, p, nullptr);
    ASSERT_EQ(engine.file_join(rx, "/doc", fx), Status::OK);
    std::string tx = open("S1");
    Message m = make_message(Class::NOTICE, Scope::FILE, "Saved");
    m.body.file = "/doc";
    fx.clear();
    send(tx, m);
    EXPECT_EQ(deliveries_to(rx).size(), 1u);
    // Observed behaviour 3: a TT_BOTH message does not reach a TT_FILE-only interest.
    m.header.scope = Scope::BOTH;
    fx.clear();
    send(tx, m);
    EXPECT_TRUE(deliveries_to(rx).empty());
}

// ---- Addressing ----------------------------------------------------------------------------

TEST_F(Dispatch, HandlerAddressingGoesStraightToTheProcid) {
    std::string target = open();  // no patterns, not even joined
    std::string obs = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}));
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "op", Address::HANDLER);
    m.header.handler = target;
    fx.clear();
    send(tx, m);
    ASSERT_EQ(deliveries_to(target).size(), 1u);
    EXPECT_EQ(deliveries_to(target)[0].kind, DeliveryKind::HANDLE);
    EXPECT_EQ(deliveries_to(target)[0].pattern, 0u);
    EXPECT_TRUE(deliveries_to(obs).empty()) << "TT_HANDLER messages cannot be observed";
}

// Facts §5.3: no signature or pattern matching at all, so nobody but the named procid sees the
// request, its reply or its failure; a rejection cannot pass it on to another handler.
TEST_F(Dispatch, HandlerAddressingKeepsEveryCopyFromOthers) {
    Ptype watcher;
    watcher.id = "Watcher";
    watcher.signatures.push_back(sig(Category::OBSERVE, Scope::SESSION, "op"));
    watcher.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "op"));
    load({watcher});
    std::string target = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string obs = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}));
    std::string rival = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}));
    std::string declared = open();
    ASSERT_EQ(engine.ptype_declare(declared, "Watcher", fx), Status::OK);
    ASSERT_EQ(engine.session_join(declared, "S1", fx), Status::OK);
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "op", Address::HANDLER);
    m.body.args = {arg(Mode::OUT, "string")};
    m.header.handler = target;
    auto others_saw_nothing = [&] {
        for (const auto& p : {obs, rival, declared}) EXPECT_TRUE(deliveries_to(p).empty()) << p;
    };
    for (State outcome : {State::HANDLED, State::FAILED}) {
        fx.clear();
        std::string id = send(tx, m);
        ASSERT_EQ(count_handle(target), 1u);
        const Answer a{{std::string("out")}, 0, {}};
        ASSERT_EQ(outcome == State::HANDLED ? engine.reply(target, id, a, fx) : engine.fail(target, id, a, fx),
                  Status::OK);
        EXPECT_EQ(last_update(tx).message.header.state, outcome);
        others_saw_nothing();
    }
    fx.clear();
    std::string id = send(tx, m);
    ASSERT_EQ(engine.reject(target, id, fx), Status::OK);
    others_saw_nothing();
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::FAILED});
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_NO_MATCH));
}

TEST_F(Dispatch, HandlerAddressingReportsTheMatchingPatternId) {
    PatternId id = 0;
    std::string target = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}), "S1", &id);
    std::string tx = open();
    Message m = make_message(Class::NOTICE, Scope::SESSION, "op", Address::HANDLER);
    m.header.handler = target;
    fx.clear();
    send(tx, m);
    ASSERT_EQ(deliveries_to(target).size(), 1u);
    EXPECT_EQ(deliveries_to(target)[0].pattern, id);
}

// Observed behaviour 7: TT_ERR_NO_MATCH, not TT_ERR_PROCID.
TEST_F(Dispatch, HandlerAddressingToAMissingProcidFailsNoMatch) {
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "op", Address::HANDLER);
    m.header.handler = "p999";
    send(tx, m);
    EXPECT_EQ(last_update(tx).message.header.status, static_cast<int>(Status::ERR_NO_MATCH));
    EXPECT_EQ(last_update(tx).message.header.state, State::FAILED);
}

class Objects : public EngineTest {
protected:
    void SetUp() override {
        EngineTest::SetUp();
        Ptype tool;
        tool.id = "Tool";
        Otype doc;
        doc.id = "Doc";
        Signature print = sig(Category::HANDLE, Scope::SESSION, "Print", {}, Disposition::DISCARD, 500);
        print.ptype = "Tool";
        doc.signatures.push_back(print);
        Otype report;
        report.id = "Report";
        report.parents = {"Doc"};
        Signature own = sig(Category::HANDLE, Scope::SESSION, "Print", {}, Disposition::DISCARD, 502);
        own.ptype = "Tool";
        own.super_otype = "Doc";
        report.signatures.push_back(own);
        load({tool}, {doc, report});
        handler = open();
        EXPECT_EQ(engine.ptype_declare(handler, "Tool", fx), Status::OK);
        EXPECT_EQ(engine.session_join(handler, "S1", fx), Status::OK);
        sender = open();
        fx.clear();
    }
    Message object_request(const std::string& otype) {
        Message m = make_message(Class::REQUEST, Scope::NONE, "Print", Address::OBJECT);
        m.body.object = "obj-1";
        m.body.otype = otype;
        return m;
    }
    std::string handler, sender;
};

TEST_F(Objects, ObjectMessagesTakeScopeAndOpnumFromTheOtype) {
    send(sender, object_request("Doc"));
    ASSERT_EQ(deliveries_to(handler).size(), 1u);
    const auto h = deliveries_to(handler)[0].message.header;
    EXPECT_EQ(h.opnum, 500);
    EXPECT_EQ(h.scope, Scope::SESSION) << "copied from the otype signature";
    EXPECT_EQ(h.handler_ptype, "Tool");
}

TEST_F(Objects, DerivedOtypeOverridesAndSuperReachesTheParent) {
    send(sender, object_request("Report"));
    ASSERT_EQ(deliveries_to(handler).size(), 1u);
    EXPECT_EQ(deliveries_to(handler)[0].message.header.opnum, 502);
    fx.clear();
    Message m = object_request("Report");
    m.body.super = true;  // tt_message_create_super
    send(sender, m);
    ASSERT_EQ(deliveries_to(handler).size(), 1u);
    EXPECT_EQ(deliveries_to(handler)[0].message.header.opnum, 500);
    EXPECT_EQ(deliveries_to(handler)[0].message->otype, "Doc");
}

TEST_F(Objects, UnknownOtypeFails) {
    send(sender, object_request("Nope"));
    EXPECT_EQ(last_update(sender).message.header.status, static_cast<int>(Status::ERR_OTYPE));
}

TEST_F(Objects, NoScopeAfterStageOneFailsRequests) {
    Message m = object_request("Doc");
    m.body.op = "Unknown";
    send(sender, m);
    EXPECT_EQ(last_update(sender).message.header.status, static_cast<int>(Status::ERR_SCOPE));
}

}  // namespace
}  // namespace ttbus::core
