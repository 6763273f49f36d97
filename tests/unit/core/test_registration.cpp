// Procids, sessions, files, patterns, ptype declaration and contexts (reference §5.1, §5.7).
#include "fixture.h"

namespace ttbus::core {
namespace {

using namespace test;

class Registration : public EngineTest {};

TEST_F(Registration, OpenNeedsAnExistingSession) {
    std::string id;
    EXPECT_EQ(engine.open(OpenRequest{"nope", 0, 0, {}}, fx, &id), Status::ERR_SESSION);
    EXPECT_TRUE(engine.procids().empty());
    std::string a = open(), b = open();
    EXPECT_NE(a, b);
    EXPECT_EQ(engine.procids().size(), 2u);
    EXPECT_EQ(engine.session_create("S1"), Status::ERR_INVALID);
    EXPECT_EQ(engine.session_create(""), Status::ERR_SESSION);
}

TEST_F(Registration, UnknownProcidIsRejectedEverywhere) {
    Pattern p = make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"});
    EXPECT_EQ(engine.pattern_register("ghost", p, nullptr), Status::ERR_PROCID);
    EXPECT_EQ(engine.session_join("ghost", "S1", fx), Status::ERR_PROCID);
    EXPECT_EQ(engine.file_join("ghost", "f", fx), Status::ERR_PROCID);
    EXPECT_EQ(engine.ptype_declare("ghost", "X", fx), Status::ERR_PROCID);
    EXPECT_EQ(engine.send("ghost", make_message(Class::NOTICE, Scope::SESSION, "op"), fx, nullptr), Status::ERR_PROCID);
    EXPECT_EQ(engine.reply("ghost", "1 x", {}, fx), Status::ERR_PROCID);
    EXPECT_EQ(engine.close("ghost", CloseReason::CLOSED, fx), Status::ERR_PROCID);
    EXPECT_TRUE(fx.empty());
}

struct BadPatternRow {
    const char* what;
    Pattern pattern;
    Status status;
};

TEST_F(Registration, PatternRegistrationErrors) {
    auto base = [] { return make_pattern(Category::HANDLE, {Scope::SESSION}, {"op"}); };
    std::vector<BadPatternRow> rows;
    {
        Pattern p = base();
        p.category = Category::LAST;  // the default of a new pattern
        rows.push_back({"no category", p, Status::ERR_CATEGORY});
        p.category = Category::UNDEFINED;
        rows.push_back({"undefined category", p, Status::ERR_CATEGORY});
        p.category = static_cast<Category>(9);
        rows.push_back({"out of range category", p, Status::ERR_CATEGORY});
    }
    {
        Pattern p = base();
        p.category = Category::HANDLE_PUSH;
        p.scopes.add(Scope::FILE);
        rows.push_back({"push with file scope", p, Status::ERR_UNIMP});
        p.category = Category::HANDLE_ROTATE;
        p.scopes = EnumSet<Scope>{Scope::BOTH};
        rows.push_back({"rotate with both scope", p, Status::ERR_UNIMP});
    }
    {
        Pattern p = base();
        p.scopes = EnumSet<Scope>::from_bits(1u << 7);
        rows.push_back({"bad scope bit", p, Status::ERR_SCOPE});
        p = base();
        p.classes = EnumSet<Class>::from_bits(1u << 5);
        rows.push_back({"bad class bit", p, Status::ERR_CLASS});
        p = base();
        p.addresses = EnumSet<Address>::from_bits(1u << 4);
        rows.push_back({"bad address bit", p, Status::ERR_ADDRESS});
        p = base();
        p.dispositions = EnumSet<Disposition>::from_bits(1u << 4);
        rows.push_back({"bad disposition bit", p, Status::ERR_DISPOSITION});
        p = base();
        p.args.push_back({static_cast<Mode>(7), "int", {}});
        rows.push_back({"bad arg mode", p, Status::ERR_MODE});
        p = base();
        p.args.push_back({Mode::IN, "", {}});
        rows.push_back({"empty vtype", p, Status::ERR_VTYPE});
        p = base();
        p.contexts.push_back({"", {}});
        rows.push_back({"empty slot", p, Status::ERR_SLOTNAME});
        p = base();
        p.sessions.push_back("no-such-session");
        rows.push_back({"unknown session", p, Status::ERR_SESSION});
        p = base();
        p.files = {"/abs", "relative/doc"};
        rows.push_back({"relative file (libtt sends absolute paths)", p, Status::ERR_PATH});
    }
    std::string me = open();
    for (const auto& r : rows) {
        PatternId id = 42;
        EXPECT_EQ(engine.pattern_register(me, r.pattern, &id), r.status) << r.what;
        EXPECT_EQ(id, 42u) << r.what << ": nothing returned";
    }
    EXPECT_TRUE(engine.procid_info(me)->patterns.empty()) << "no error registered anything";
    Pattern push = base();
    push.category = Category::HANDLE_PUSH;
    EXPECT_EQ(engine.pattern_register(me, push, nullptr), Status::OK) << "push with session scope is fine";
}

TEST_F(Registration, UnregisterOwnPatternsOnly) {
    PatternId id = 0;
    std::string a = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"op"}), "S1", &id);
    std::string b = open();
    EXPECT_EQ(engine.pattern_unregister(b, id), Status::ERR_POINTER);
    EXPECT_NE(engine.pattern(id), nullptr);
    EXPECT_EQ(engine.pattern_unregister(a, id), Status::OK);
    EXPECT_EQ(engine.pattern(id), nullptr);
    EXPECT_EQ(engine.pattern_unregister(a, id), Status::ERR_POINTER);
    fx.clear();
    send(b, make_message(Class::NOTICE, Scope::SESSION, "op"));
    EXPECT_TRUE(deliveries_to(a).empty());
}

// Reference §5.1 and observed behaviour 1: a join only affects patterns already registered.
TEST_F(Registration, SessionJoinOnlyJoinsExistingPatterns) {
    std::string rx = open();
    PatternId before = 0, after = 0;
    ASSERT_EQ(engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Before"}), &before),
              Status::OK);
    ASSERT_EQ(engine.session_join(rx, "S1", fx), Status::OK);
    ASSERT_EQ(engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"After"}), &after),
              Status::OK);
    EXPECT_EQ(engine.pattern(before)->sessions, std::vector<std::string>{"S1"});
    EXPECT_TRUE(engine.pattern(after)->sessions.empty());

    std::string tx = open();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "Before"));
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "After"));
    ASSERT_EQ(deliveries_to(rx).size(), 1u);
    EXPECT_EQ(deliveries_to(rx)[0].message->op, "Before");

    // Joining again (or tt_pattern_session_add) brings the later pattern in.
    ASSERT_EQ(engine.session_join(rx, "S1", fx), Status::OK);
    fx.clear();
    send(tx, make_message(Class::NOTICE, Scope::SESSION, "After"));
    EXPECT_EQ(deliveries_to(rx).size(), 1u);
}

TEST_F(Registration, SessionJoinSkipsFileOnlyPatternsAndQuitRemoves) {
    std::string rx = open();
    PatternId file_only = 0, session = 0, fis = 0, both = 0;
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::FILE}, {"a"}), &file_only);
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"a"}), &session);
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::FILE_IN_SESSION}, {"a"}), &fis);
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::BOTH}, {"a"}), &both);
    ASSERT_EQ(engine.session_join(rx, "S2", fx), Status::OK);
    EXPECT_TRUE(engine.pattern(file_only)->sessions.empty()) << "tt_session_join does not touch TT_FILE patterns";
    for (PatternId id : {session, fis, both}) EXPECT_EQ(engine.pattern(id)->sessions, std::vector<std::string>{"S2"});
    EXPECT_EQ(engine.procid_info(rx)->sessions, std::vector<std::string>{"S2"});
    EXPECT_EQ(engine.session_join(rx, "nope", fx), Status::ERR_SESSION);
    ASSERT_EQ(engine.session_quit(rx, "S2"), Status::OK);
    for (PatternId id : {session, fis, both}) EXPECT_TRUE(engine.pattern(id)->sessions.empty());
    EXPECT_TRUE(engine.procid_info(rx)->sessions.empty());
}

// Reference §5.1: tt_file_join adds the file to FILE and FILE_IN_SESSION patterns, not to
// patterns whose only file-bearing scope is TT_BOTH (observed behaviour 4).
TEST_F(Registration, FileJoinSemantics) {
    std::string rx = open();
    PatternId file = 0, fis = 0, both = 0, session = 0;
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::FILE}, {"a"}), &file);
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::FILE_IN_SESSION}, {"a"}), &fis);
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::BOTH}, {"a"}), &both);
    engine.pattern_register(rx, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"a"}), &session);
    ASSERT_EQ(engine.file_join(rx, "/f", fx), Status::OK);
    EXPECT_EQ(engine.pattern(file)->files, std::vector<std::string>{"/f"});
    EXPECT_EQ(engine.pattern(fis)->files, std::vector<std::string>{"/f"});
    EXPECT_TRUE(engine.pattern(both)->files.empty());
    EXPECT_TRUE(engine.pattern(session)->files.empty());
    EXPECT_EQ(engine.file_join(rx, "", fx), Status::ERR_FILE);
    EXPECT_EQ(engine.file_join(rx, "relative/f", fx), Status::ERR_PATH) << "libtt sends absolute paths";
    EXPECT_EQ(engine.file_quit(rx, "f"), Status::ERR_PATH);
    EXPECT_EQ(engine.procid_info(rx)->files, std::vector<std::string>{"/f"});
    ASSERT_EQ(engine.file_quit(rx, "/f"), Status::OK);
    EXPECT_TRUE(engine.pattern(file)->files.empty());
    EXPECT_TRUE(engine.procid_info(rx)->files.empty());
    // Closing while still joined to a file is clean (classic double-freed here).
    ASSERT_EQ(engine.file_join(rx, "/f", fx), Status::OK);
    EXPECT_EQ(engine.close(rx, CloseReason::CLOSED, fx), Status::OK);
}

TEST_F(Registration, PtypeDeclareTurnsSignaturesIntoPatterns) {
    Ptype editor;
    editor.id = "TextEditor";
    editor.start = "editor";
    editor.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "ShowLine",
                                    {{Mode::IN, "int", "line", {}}}, Disposition::START, 7));
    editor.signatures.back().contexts = {"project"};
    editor.signatures.push_back(sig(Category::OBSERVE, Scope::SESSION, "Saved", {}, Disposition::QUEUE, 3));
    load({editor});

    std::string p = open();
    EXPECT_EQ(engine.ptype_declare(p, "Nope", fx), Status::ERR_PTYPE);
    ASSERT_EQ(engine.ptype_declare(p, "TextEditor", fx), Status::OK);
    auto info = *engine.procid_info(p);
    ASSERT_EQ(info.patterns.size(), 2u);
    EXPECT_EQ(info.default_ptype, "TextEditor");
    const Pattern& h = *engine.pattern(info.patterns[0]);
    EXPECT_EQ(h.category, Category::HANDLE);
    EXPECT_EQ(h.ops, std::vector<std::string>{"ShowLine"});
    EXPECT_EQ(h.opnums, std::vector<std::int32_t>{7});
    EXPECT_EQ(h.handler_ptypes, std::vector<std::string>{"TextEditor"});
    EXPECT_TRUE(h.scopes.contains(Scope::SESSION));
    EXPECT_TRUE(h.classes.empty()) << "signature class UNDEFINED is a wildcard";
    EXPECT_TRUE(h.addresses.contains(Address::PROCEDURE));
    EXPECT_TRUE(h.dispositions.contains(Disposition::START));
    ASSERT_EQ(h.args.size(), 1u);
    EXPECT_EQ(h.args[0].vtype, "int");
    ASSERT_EQ(h.contexts.size(), 1u);
    EXPECT_TRUE(h.contexts[0].values.empty());
    EXPECT_TRUE(h.sessions.empty()) << "ptype patterns join the session only at the next join";
    const Pattern& o = *engine.pattern(info.patterns[1]);
    EXPECT_EQ(o.category, Category::OBSERVE);
    EXPECT_TRUE(o.handler_ptypes.empty());

    EXPECT_EQ(engine.ptype_exists("TextEditor"), Status::OK);
    EXPECT_EQ(engine.ptype_exists("Nope"), Status::ERR_PTYPE);
    ASSERT_EQ(engine.ptype_undeclare(p, "TextEditor"), Status::OK);
    EXPECT_TRUE(engine.procid_info(p)->patterns.empty());
    EXPECT_TRUE(engine.procid_info(p)->default_ptype.empty());
    EXPECT_EQ(engine.ptype_undeclare(p, "Nope"), Status::ERR_PTYPE);
}

TEST_F(Registration, GeneratedPatternsCannotBeUnregisteredByHand) {
    Ptype t;
    t.id = "T";
    t.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "op"));
    load({t});
    std::string p = open();
    ASSERT_EQ(engine.ptype_declare(p, "T", fx), Status::OK);
    EXPECT_EQ(engine.pattern_unregister(p, engine.procid_info(p)->patterns[0]), Status::ERR_POINTER);
}

TEST_F(Registration, OtypeSignaturesBecomePatternsOfTheImplementingPtype) {
    Ptype tool;
    tool.id = "Tool";
    Otype doc;
    doc.id = "Doc";
    Signature s = sig(Category::HANDLE, Scope::FILE_IN_SESSION, "Hilite");
    s.ptype = "Tool";
    doc.signatures.push_back(s);
    Otype report;
    report.id = "Report";
    report.parents = {"Doc"};
    load({tool}, {doc, report});
    std::string p = open();
    ASSERT_EQ(engine.ptype_declare(p, "Tool", fx), Status::OK);
    auto ids = engine.procid_info(p)->patterns;
    ASSERT_EQ(ids.size(), 2u) << "one for Doc, one inherited by Report";
    std::vector<std::string> otypes;
    for (auto id : ids) {
        const Pattern& pat = *engine.pattern(id);
        EXPECT_TRUE(pat.addresses.contains(Address::OBJECT));
        EXPECT_TRUE(pat.addresses.contains(Address::OTYPE));
        EXPECT_FALSE(pat.addresses.contains(Address::PROCEDURE));
        otypes.push_back(pat.otypes.at(0));
    }
    EXPECT_EQ(otypes, (std::vector<std::string>{"Doc", "Report"}));
}

TEST_F(Registration, ContextJoinAndQuit) {
    Pattern p = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Build"});
    p.contexts.push_back({"project", {}});
    PatternId id = 0;
    std::string rx = open_with(p, "S1", &id);
    EXPECT_EQ(engine.context_join(rx, "unused_slot", std::string("v")), Status::OK) << "classic returns TT_OK";
    EXPECT_EQ(engine.context_join(rx, "", std::string("v")), Status::ERR_SLOTNAME);
    ASSERT_EQ(engine.context_join(rx, "project", std::string("alpha")), Status::OK);
    ASSERT_EQ(engine.context_join(rx, "project", std::string("alpha")), Status::OK);
    EXPECT_EQ(engine.pattern(id)->contexts[0].values.size(), 1u);

    std::string tx = open();
    Message m = make_message(Class::NOTICE, Scope::SESSION, "Build");
    m.body.contexts = {{"project", std::string("beta")}};
    send(tx, m);
    EXPECT_TRUE(deliveries_to(rx).empty());
    m.body.contexts = {{"project", std::string("alpha")}};
    send(tx, m);
    EXPECT_EQ(deliveries_to(rx).size(), 1u);

    ASSERT_EQ(engine.context_quit(rx, "project", std::string("alpha")), Status::OK);
    EXPECT_TRUE(engine.pattern(id)->contexts[0].values.empty()) << "back to a wildcard slot";
}

TEST_F(Registration, ContextValuesAreBounded) {
    Pattern p = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Build"});
    p.contexts.push_back({"project", {}});
    PatternId id = 0;
    std::string rx = open_with(p, "S1", &id);
    EXPECT_EQ(engine.context_join(rx, "project", std::string(max_context_value_bytes + 1, 'v')), Status::ERR_OVERFLOW);
    ASSERT_EQ(engine.context_join(rx, "project", std::string(max_context_value_bytes, 'v')), Status::OK);
    for (std::int32_t i = 1; i < static_cast<std::int32_t>(max_context_values); ++i) {
        ASSERT_EQ(engine.context_join(rx, "project", i), Status::OK);
    }
    EXPECT_EQ(engine.context_join(rx, "project", std::int32_t{-1}), Status::ERR_OVERFLOW);
    EXPECT_EQ(engine.context_join(rx, "project", std::int32_t{1}), Status::OK) << "a value already there";
    EXPECT_EQ(engine.pattern(id)->contexts[0].values.size(), max_context_values);
}

TEST_F(Registration, OpenTokenIsBounded) {
    std::string id;
    EXPECT_EQ(engine.open(OpenRequest{"S1", 1000, 100, std::string(max_token_bytes + 1, 't')}, fx, &id),
              Status::ERR_OVERFLOW);
    EXPECT_TRUE(fx.empty());
    EXPECT_TRUE(engine.procids().empty());
    EXPECT_EQ(engine.open(OpenRequest{"S1", 1000, 100, std::string(max_token_bytes, 't')}, fx, &id), Status::OK);
}

}  // namespace
}  // namespace ttbus::core

namespace ttbus::core {
namespace {

using namespace test;

class Sessions : public EngineTest {};

TEST_F(Sessions, DestroyClosesItsProcidsAndDropsItsQueue) {
    Ptype mail;
    mail.id = "Mailer";
    mail.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Compose", {}, Disposition::QUEUE));
    load({mail});
    std::string obs = open_with(make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Bye"}), "S1");
    std::string in_s2 = open("S2");
    ASSERT_EQ(engine.send_on_exit(in_s2, make_message(Class::NOTICE, Scope::SESSION, "Bye")), Status::OK);
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Compose");
    m.body.session = "S2";
    send(obs, m);
    ASSERT_EQ(engine.queued_count(), 1u);
    fx.clear();
    ASSERT_EQ(engine.session_destroy("S2", fx), Status::OK);
    EXPECT_FALSE(engine.session_exists("S2"));
    EXPECT_FALSE(engine.procid_info(in_s2).has_value());
    EXPECT_TRUE(engine.procid_info(obs).has_value());
    EXPECT_EQ(engine.queued_count(), 0u);
    EXPECT_EQ(all<Dequeued>().size(), 1u);
    EXPECT_EQ(engine.session_destroy("S2", fx), Status::ERR_SESSION);
}

TEST_F(Sessions, Properties) {
    std::vector<std::string> v;
    EXPECT_EQ(engine.session_prop("nope", "x", &v), Status::ERR_SESSION);
    EXPECT_EQ(engine.session_prop_set("S1", std::string(65, 'n'), "v", false), Status::ERR_PROPNAME);
    ASSERT_EQ(engine.session_prop_set("S1", "colour", "red", false), Status::OK);
    ASSERT_EQ(engine.session_prop_set("S1", "colour", std::string("gr\0en", 5), true), Status::OK);
    ASSERT_EQ(engine.session_prop("S1", "colour", &v), Status::OK);
    EXPECT_EQ(v, (std::vector<std::string>{"red", std::string("gr\0en", 5)}));
    ASSERT_EQ(engine.session_prop_set("S1", "colour", "blue", false), Status::OK);
    ASSERT_EQ(engine.session_prop("S1", "colour", &v), Status::OK);
    EXPECT_EQ(v, std::vector<std::string>{"blue"});
    ASSERT_EQ(engine.session_prop_names("S1", &v), Status::OK);
    EXPECT_EQ(v, std::vector<std::string>{"colour"});
    ASSERT_EQ(engine.session_prop("S2", "colour", &v), Status::OK);
    EXPECT_TRUE(v.empty());
}

TEST_F(Sessions, PropertiesAreBounded) {
    std::vector<std::string> v;
    const std::string big(max_prop_value_bytes, 'x');
    EXPECT_EQ(engine.session_prop_set("S1", "p", big + "x", false), Status::ERR_OVERFLOW);
    ASSERT_EQ(engine.session_prop_names("S1", &v), Status::OK);
    EXPECT_TRUE(v.empty()) << "a refused value adds no name";
    // The session's total: full values under distinct names until the next one would pass it.
    std::size_t n = 0;
    while (engine.session_prop_set("S1", "p" + std::to_string(n), big, false) == Status::OK) ++n;
    EXPECT_EQ(n, max_session_prop_bytes / (max_prop_value_bytes + 2));
    EXPECT_EQ(engine.session_prop_set("S1", "p0", big, true), Status::ERR_OVERFLOW) << "appending counts too";
    ASSERT_EQ(engine.session_prop("S1", "p0", &v), Status::OK);
    EXPECT_EQ(v.size(), 1u);
    EXPECT_EQ(engine.session_prop_set("S1", "p0", big, false), Status::OK) << "replacing frees the old value";
    EXPECT_EQ(engine.session_prop_set("S2", "p", big, false), Status::OK) << "per session";
}

}  // namespace
}  // namespace ttbus::core
