// Every example of the ToolTalk guide excerpts (../shared/reference/guide/), as scenarios.
#include "fixture.h"

namespace ttbus::core {
namespace {

using namespace test;

class Guide : public EngineTest {
protected:
    std::string file = "/home/butterfly/astrid/src/ebe.c";
};

// Guide 000: the basic flow of a session-scoped message, from request to reply, with the
// handler started on demand.
TEST_F(Guide, SessionScopedMessageFlow) {
    Ptype editor;
    editor.id = "TextEditor";
    editor.start = "texteditor";
    editor.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Open", {{Mode::IN, "string", "path", {}}},
                                    Disposition::START, 1));
    load({editor});
    std::string client = open();
    fx.clear();
    // 1. The client builds a request and sends it.  2. ttsession finds no running handler and starts one.
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Open");
    m.body.args = {arg(Mode::IN, "string", std::string("/tmp/a.txt"))};
    std::string id = send(client, m);
    auto starts = all<StartPtype>();
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(states_seen_by(client), std::vector<State>{State::STARTED});
    // 3–6. The handler opens with TT_TOKEN, declares its ptype (patterns not yet active), joins.
    fx.clear();
    std::string handler = open("S1", starts[0].token);
    ASSERT_EQ(engine.ptype_declare(handler, "TextEditor", fx), Status::OK);
    ASSERT_EQ(engine.session_join(handler, "S1", fx), Status::OK);
    // 7–8. The message is waiting for it, marked as the start message.
    ASSERT_EQ(deliveries_to(handler).size(), 1u);
    EXPECT_EQ(deliveries_to(handler)[0].message.header.status, static_cast<int>(Status::WRN_START_MESSAGE));
    EXPECT_EQ(deliveries_to(handler)[0].message.header.opnum, 1);
    // 9–12. It replies; the client gets its request back in its final state.
    fx.clear();
    ASSERT_EQ(engine.reply(handler, id, {}, fx), Status::OK);
    EXPECT_EQ(states_seen_by(client), std::vector<State>{State::HANDLED});
}

// Guide 000: the file-scoped flow; interested processes need not share a session.
TEST_F(Guide, FileScopedMessageFlow) {
    Pattern p = make_pattern(Category::HANDLE, {Scope::FILE}, {"Lock"});
    p.files = {file};
    std::string owner = open("S2");
    ASSERT_EQ(engine.pattern_register(owner, p, nullptr), Status::OK);
    Pattern watch = make_pattern(Category::OBSERVE, {Scope::FILE}, {"Lock"});
    std::string watcher = open("S1");
    ASSERT_EQ(engine.pattern_register(watcher, watch, nullptr), Status::OK);
    ASSERT_EQ(engine.file_join(watcher, file, fx), Status::OK);
    std::string sender = open("S1");  // no tt_file_join needed to send
    Message m = make_message(Class::REQUEST, Scope::FILE, "Lock");
    m.body.file = file;
    fx.clear();
    std::string id = send(sender, m);
    EXPECT_EQ(count_handle(owner), 1u);
    EXPECT_EQ(count_observe(watcher), 1u);
    fx.clear();
    ASSERT_EQ(engine.reply(owner, id, {}, fx), Status::OK);
    EXPECT_EQ(states_seen_by(sender), std::vector<State>{State::HANDLED});
}

// Guide 001: the debugger/editor ShowLine example.
TEST_F(Guide, DebuggerAsksEditorToShowLine) {
    Pattern editor_pattern = make_pattern(Category::HANDLE, {Scope::SESSION}, {"ShowLine"}, {"S1"});
    editor_pattern.handler_ptypes = {"TextEditor"};
    editor_pattern.files = {file};
    Ptype text_editor;
    text_editor.id = "TextEditor";
    text_editor.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "ShowLine", {{Mode::IN, "int", "line", {}}},
                                         Disposition::DISCARD, 12));
    load({text_editor});
    std::string editor = open();
    ASSERT_EQ(engine.pattern_register(editor, editor_pattern, nullptr), Status::OK);
    std::string debugger = open();
    fx.clear();
    // 1. At a breakpoint the debugger sends op, line, file, session and scope.
    Message m = make_message(Class::REQUEST, Scope::SESSION, "ShowLine");
    m.body.args = {arg(Mode::IN, "int", std::int32_t{128})};
    m.body.file = file;
    m.body.session = "S1";
    std::string id = send(debugger, m);
    // 2–3. ToolTalk matches it to the editor's pattern and delivers it.
    ASSERT_EQ(count_handle(editor), 1u);
    const Delivery d = deliveries_to(editor)[0];
    EXPECT_EQ(d.message.header.handler_ptype, "TextEditor");
    EXPECT_EQ(d.message.header.opnum, 12);
    EXPECT_EQ(d.message->args[0].value, Value(std::int32_t{128}));
    // 4. The editor scrolls and replies.
    fx.clear();
    ASSERT_EQ(engine.reply(editor, id, {}, fx), Status::OK);
    EXPECT_EQ(states_seen_by(debugger), std::vector<State>{State::HANDLED});
    // The same op for another file does not reach this editor's pattern.
    fx.clear();
    m.body.file = "/other.c";
    send(debugger, m);
    EXPECT_EQ(count_handle(editor), 0u);
}

// Guide 001 step 4: the more specific pattern is preferred.
TEST_F(Guide, SpecificityDecidesBetweenHandlers) {
    std::string any_file = open_with(make_pattern(Category::HANDLE, {Scope::SESSION}, {"ShowLine"}));
    Pattern exact = make_pattern(Category::HANDLE, {Scope::SESSION}, {"ShowLine"});
    exact.files = {file};
    std::string this_file = open_with(exact);
    std::string debugger = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "ShowLine");
    m.body.file = file;
    fx.clear();
    send(debugger, m);
    EXPECT_EQ(count_handle(this_file), 1u);
    EXPECT_EQ(count_handle(any_file), 0u);
}

// Guide 004, examples 3-1 to 3-10: static and dynamic patterns for each scope.
class ScopeExamples : public Guide {
protected:
    void SetUp() override {
        Guide::SetUp();
        Ptype t;
        t.id = "Tool";
        for (Scope s : {Scope::SESSION, Scope::FILE, Scope::FILE_IN_SESSION, Scope::BOTH}) {
            t.signatures.push_back(sig(Category::OBSERVE, s, std::string("Op") + std::to_string(static_cast<int>(s))));
        }
        load({t});
        sender = open();
    }
    bool reaches(const std::string& procid, Scope scope, const std::string& msg_file) {
        Message m = make_message(Class::NOTICE, scope, std::string("Op") + std::to_string(static_cast<int>(scope)));
        m.body.file = msg_file;
        fx.clear();
        send(sender, m);
        return !deliveries_to(procid).empty();
    }
    std::string sender;
};

TEST_F(ScopeExamples, Ex3_1StaticSessionPattern) {
    std::string p = open();
    engine.ptype_declare(p, "Tool", fx);
    EXPECT_FALSE(reaches(p, Scope::SESSION, ""));
    engine.session_join(p, "S1", fx);
    EXPECT_TRUE(reaches(p, Scope::SESSION, ""));
}

TEST_F(ScopeExamples, Ex3_2DynamicSessionPattern) {
    std::string p = open();
    engine.pattern_register(p, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Op1"}, {"S1"}), nullptr);
    EXPECT_TRUE(reaches(p, Scope::SESSION, "")) << "tt_pattern_session_add instead of a join";
}

TEST_F(ScopeExamples, Ex3_3StaticFilePattern) {
    std::string p = open();
    engine.ptype_declare(p, "Tool", fx);
    EXPECT_FALSE(reaches(p, Scope::FILE, file));
    engine.file_join(p, file, fx);
    EXPECT_TRUE(reaches(p, Scope::FILE, file));
    EXPECT_FALSE(reaches(p, Scope::FILE, "/elsewhere"));
}

TEST_F(ScopeExamples, Ex3_4DynamicFilePattern) {
    std::string p = open();
    Pattern pat = make_pattern(Category::OBSERVE, {Scope::FILE}, {"Op2"});
    pat.files = {file};
    engine.pattern_register(p, pat, nullptr);
    EXPECT_TRUE(reaches(p, Scope::FILE, file));
}

TEST_F(ScopeExamples, Ex3_5FileInSessionWithSessionAdded) {
    std::string p = open();
    Pattern pat = make_pattern(Category::OBSERVE, {Scope::FILE_IN_SESSION}, {"Op4"}, {"S1"});
    pat.files = {file};
    engine.pattern_register(p, pat, nullptr);
    EXPECT_TRUE(reaches(p, Scope::FILE_IN_SESSION, file));
    EXPECT_FALSE(reaches(p, Scope::FILE_IN_SESSION, "/elsewhere"));
}

TEST_F(ScopeExamples, Ex3_6FileInSessionThenJoin) {
    std::string p = open();
    Pattern pat = make_pattern(Category::OBSERVE, {Scope::FILE_IN_SESSION}, {"Op4"});
    pat.files = {file};
    engine.pattern_register(p, pat, nullptr);
    EXPECT_FALSE(reaches(p, Scope::FILE_IN_SESSION, file));
    engine.session_join(p, "S1", fx);
    EXPECT_TRUE(reaches(p, Scope::FILE_IN_SESSION, file));
}

TEST_F(ScopeExamples, Ex3_7StaticFileInSession) {
    std::string p = open();
    engine.ptype_declare(p, "Tool", fx);
    engine.file_join(p, file, fx);
    EXPECT_FALSE(reaches(p, Scope::FILE_IN_SESSION, file));
    engine.session_join(p, "S1", fx);
    EXPECT_TRUE(reaches(p, Scope::FILE_IN_SESSION, file));
}

TEST_F(ScopeExamples, Ex3_8DynamicBothPattern) {
    std::string p = open();
    Pattern pat = make_pattern(Category::OBSERVE, {Scope::BOTH}, {"Op1", "Op2", "Op3"}, {"S1"});
    pat.files = {file};
    engine.pattern_register(p, pat, nullptr);
    EXPECT_TRUE(reaches(p, Scope::SESSION, file));
    EXPECT_TRUE(reaches(p, Scope::FILE, file));
    EXPECT_TRUE(reaches(p, Scope::BOTH, file));
    // The guide promises session messages in general; classic ToolTalk restricts them to the
    // pattern's files (observed behaviour 5), and ttbus keeps that.
    EXPECT_FALSE(reaches(p, Scope::SESSION, ""));
}

TEST_F(ScopeExamples, Ex3_9StaticBothPattern) {
    std::string p = open();
    engine.ptype_declare(p, "Tool", fx);
    engine.file_join(p, file, fx);  // does not add the file to a TT_BOTH pattern (observed 4)
    engine.session_join(p, "S1", fx);
    EXPECT_TRUE(reaches(p, Scope::BOTH, file)) << "through session membership";
}

TEST_F(ScopeExamples, Ex3_10FilesOnASessionPattern) {
    std::string p = open();
    Pattern pat = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Op1"}, {"S1"});
    pat.files = {file, "/second.c"};
    engine.pattern_register(p, pat, nullptr);
    EXPECT_TRUE(reaches(p, Scope::SESSION, file));
    EXPECT_TRUE(reaches(p, Scope::SESSION, "/second.c"));
    EXPECT_FALSE(reaches(p, Scope::SESSION, "/third.c"));
}

// Guide 002, example 8-1: TT_FILE_IN_SESSION and TT_SESSION in one pattern.
TEST_F(ScopeExamples, Ex8_1UnionOfFileInSessionAndSession) {
    std::string p = open();
    Pattern pat = make_pattern(Category::OBSERVE, {Scope::FILE_IN_SESSION, Scope::SESSION}, {"Op1", "Op4"}, {"S1"});
    pat.files = {file};
    engine.pattern_register(p, pat, nullptr);
    EXPECT_TRUE(reaches(p, Scope::FILE_IN_SESSION, file));
    EXPECT_TRUE(reaches(p, Scope::SESSION, file));
    EXPECT_FALSE(reaches(p, Scope::SESSION, "")) << "the file list restricts session messages too (kept)";
}

// Guide 002, table 8-3: a TT_SESSION message with a file reaches every session client and the
// receiver can read the file.
TEST_F(ScopeExamples, SessionMessageCarryingAFile) {
    std::string p = open();
    engine.pattern_register(p, make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Op1"}, {"S1"}), nullptr);
    EXPECT_TRUE(reaches(p, Scope::SESSION, file));
    EXPECT_EQ(deliveries_to(p)[0].message->file, file);
}

// Guide 004: contexts make sub-sessions — two debugging sets stay apart.
TEST_F(Guide, ContextsAsSubSessions) {
    auto tool = [&](const std::string& program) {
        Pattern p = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Breakpoint"});
        p.contexts.push_back({"program", {}});
        std::string id = open_with(p);
        EXPECT_EQ(engine.context_join(id, "program", std::string(program)), Status::OK);
        return id;
    };
    std::string editor_a = tool("a.out"), browser_a = tool("a.out");
    std::string editor_b = tool("b.out");
    std::string debugger = open();
    Message m = make_message(Class::NOTICE, Scope::SESSION, "Breakpoint");
    m.body.contexts = {{"program", std::string("a.out")}};
    fx.clear();
    send(debugger, m);
    EXPECT_EQ(deliveries_to(editor_a).size(), 1u);
    EXPECT_EQ(deliveries_to(browser_a).size(), 1u);
    EXPECT_TRUE(deliveries_to(editor_b).empty());
}

// Guide 004: positional args need wildcards (vtype ALL, no value) in front.
TEST_F(Guide, PositionalArgsWithWildcards) {
    Pattern p = make_pattern(Category::OBSERVE, {Scope::SESSION}, {"Set"});
    p.args = {{Mode::UNDEFINED, "ALL", {}}, {Mode::IN, "int", std::int32_t{0}}};  // 0 is a value, not a wildcard
    std::string rx = open_with(p);
    std::string tx = open();
    Message m = make_message(Class::NOTICE, Scope::SESSION, "Set");
    m.body.args = {arg(Mode::IN, "string", std::string("width")), arg(Mode::IN, "int", std::int32_t{0})};
    fx.clear();
    send(tx, m);
    EXPECT_EQ(deliveries_to(rx).size(), 1u);
    m.body.args[1].value = std::int32_t{5};
    fx.clear();
    send(tx, m);
    EXPECT_TRUE(deliveries_to(rx).empty());
}

// Guide 004, disposition attributes: a message naming its handler ptype keeps its own
// disposition when no signature of that ptype matches.
TEST_F(Guide, DispositionOverrideWhenTheMessageNamesTheHandlerPtype) {
    Ptype uwriteit;
    uwriteit.id = "UWriteIt";
    uwriteit.start = "uwriteit";
    uwriteit.signatures.push_back(sig(Category::HANDLE, Scope::SESSION, "Edit", {}, Disposition::DISCARD));
    load({uwriteit});
    std::string tx = open();
    Message m = make_message(Class::REQUEST, Scope::SESSION, "Display");
    m.header.handler_ptype = "UWriteIt";
    m.header.disposition = Disposition::START;
    fx.clear();
    send(tx, m);
    auto starts = all<StartPtype>();
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(starts[0].ptype, "UWriteIt");
    EXPECT_EQ(states_seen_by(tx), std::vector<State>{State::STARTED});
}

}  // namespace
}  // namespace ttbus::core
