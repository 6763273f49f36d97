// Matching rules (reference §5.4, §5.7; guide tables 8-2 and 8-3, examples 3-1 to 3-10, 8-1).
#include "core/match.h"
#include "fixture.h"

#include <gtest/gtest.h>

namespace ttbus::core {
namespace {

using test::arg;

struct ArgRow {
    const char* what;
    Mode mode;
    const char* vtype;
    Value value;
    Arg message;
    int score;
};

TEST(Match, ArgumentScores) {
    const ArgRow rows[] = {
        {"all wildcards", Mode::UNDEFINED, "ALL", {}, arg(Mode::IN, "string", std::string("x")), 1},
        {"mode only", Mode::IN, "ALL", {}, arg(Mode::IN, "string"), 1},
        {"mode mismatch", Mode::OUT, "ALL", {}, arg(Mode::IN, "string"), 0},
        {"vtype equal", Mode::UNDEFINED, "string", {}, arg(Mode::IN, "string"), 1},
        {"mode and vtype", Mode::IN, "string", {}, arg(Mode::IN, "string"), 2},
        {"vtype mismatch", Mode::IN, "int", {}, arg(Mode::IN, "string"), 0},
        {"message ALL vtype", Mode::IN, "int", {}, arg(Mode::IN, "ALL"), 1},
        {"value equal", Mode::IN, "string", std::string("a"), arg(Mode::IN, "string", std::string("a")), 3},
        {"value differs", Mode::IN, "string", std::string("a"), arg(Mode::IN, "string", std::string("b")), 0},
        {"int equal", Mode::IN, "int", std::int32_t{7}, arg(Mode::IN, "int", std::int32_t{7}), 3},
        {"int vs string kind", Mode::IN, "int", std::int32_t{7}, arg(Mode::IN, "int", std::string("7")), 0},
        {"value vs unset message", Mode::IN, "int", std::int32_t{0}, arg(Mode::IN, "int"), 0},
        {"bytes with NUL", Mode::IN, "b", std::string("a\0b", 3), arg(Mode::IN, "b", std::string("a\0b", 3)), 3},
        {"case sensitive vtype", Mode::IN, "String", {}, arg(Mode::IN, "string"), 0},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(arg_score(r.mode, r.vtype, r.value, r.message), r.score) << r.what;
    }
}

TEST(Match, PatternArgsArePrefix) {
    std::vector<PatternArg> p{{Mode::IN, "int", {}}};
    EXPECT_GT(pattern_args_score(p, {arg(Mode::IN, "int"), arg(Mode::IN, "string")}), 0) << "extra args ignored";
    EXPECT_EQ(pattern_args_score(p, {}), 0) << "a pattern with args needs as many message args";
    // Positional wildcard in front (guide: "Pattern Argument Attributes").
    std::vector<PatternArg> second{{Mode::UNDEFINED, "ALL", {}}, {Mode::IN, "string", std::string("x")}};
    EXPECT_GT(pattern_args_score(second, {arg(Mode::IN, "int", 3), arg(Mode::IN, "string", std::string("x"))}), 0);
    EXPECT_EQ(pattern_args_score(second, {arg(Mode::IN, "int", 3), arg(Mode::IN, "string", std::string("y"))}), 0);
}

TEST(Match, SignatureArgsNeedEqualCount) {
    std::vector<SignatureArg> none;
    EXPECT_EQ(signature_args_score(none, {arg(Mode::IN, "x"), arg(Mode::IN, "y")}), 1) << "no args: any args";
    std::vector<SignatureArg> one{{Mode::IN, "ALL", "contents", {}}};
    EXPECT_EQ(signature_args_score(one, {arg(Mode::IN, "string")}), 2);
    EXPECT_EQ(signature_args_score(one, {arg(Mode::IN, "string"), arg(Mode::IN, "messageID")}), 0);
    EXPECT_EQ(signature_args_score(one, {}), 0);
}

TEST(Match, Contexts) {
    std::vector<Context> msg{{"build", std::string("debug")}, {"user", std::int32_t{3}}};
    normalize_contexts(msg);
    EXPECT_TRUE(pattern_contexts_match({{"build", {}}}, msg)) << "a slot without values is a wildcard";
    EXPECT_TRUE(pattern_contexts_match({{"build", {std::string("release"), std::string("debug")}}}, msg));
    EXPECT_FALSE(pattern_contexts_match({{"build", {std::string("release")}}}, msg));
    EXPECT_FALSE(pattern_contexts_match({{"missing", {}}}, msg));
    EXPECT_FALSE(pattern_contexts_match({{"user", {std::string("3")}}}, msg)) << "kinds must agree";
    EXPECT_TRUE(pattern_contexts_match({{"user", {std::int32_t{3}}}}, msg));
    EXPECT_TRUE(pattern_contexts_match({}, msg)) << "extra message contexts are fine";
    EXPECT_TRUE(signature_contexts_match({"build", "user"}, msg));
    EXPECT_FALSE(signature_contexts_match({"build", "other"}, msg));
}

TEST(Match, NormalizeContextsSortsAndKeepsLastValue) {
    std::vector<Context> c{{"b", std::int32_t{1}}, {"a", std::int32_t{2}}, {"b", std::int32_t{3}}};
    normalize_contexts(c);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].slot, "a");
    EXPECT_EQ(c[1].value, Value(std::int32_t{3}));
}

// ---- Scope tables --------------------------------------------------------------------------

struct ScopeRow {
    const char* what;
    std::vector<Scope> pattern_scopes;
    std::vector<std::string> sessions;
    std::vector<std::string> files;
    Scope message_scope;
    std::string message_session;
    std::string message_file;
    bool matches;
};

Pattern scoped(const ScopeRow& r) {
    Pattern p;
    p.category = Category::OBSERVE;
    for (Scope s : r.pattern_scopes) p.scopes.add(s);
    p.sessions = r.sessions;
    p.files = r.files;
    return p;
}

TEST(Match, ScopeTable) {
    const std::string S = "S1", F = "/doc.txt", G = "/other.txt";
    const ScopeRow rows[] = {
        // TT_SESSION messages.
        {"session pattern in session", {Scope::SESSION}, {S}, {}, Scope::SESSION, S, "", true},
        {"session pattern, other session", {Scope::SESSION}, {"S2"}, {}, Scope::SESSION, S, "", false},
        {"session pattern not joined", {Scope::SESSION}, {}, {}, Scope::SESSION, S, "", false},
        {"both pattern sees session msg", {Scope::BOTH}, {S}, {}, Scope::SESSION, S, "", true},
        {"file pattern ignores session msg", {Scope::FILE}, {S}, {F}, Scope::SESSION, S, F, false},
        {"fis pattern ignores session msg", {Scope::FILE_IN_SESSION}, {S}, {F}, Scope::SESSION, S, F, false},
        // Example 3-10: file attributes on a session-scoped pattern restrict it.
        {"session pattern with files, file listed", {Scope::SESSION}, {S}, {F, G}, Scope::SESSION, S, G, true},
        {"session pattern with files, other file", {Scope::SESSION}, {S}, {F}, Scope::SESSION, S, G, false},
        {"session pattern with files, no file", {Scope::SESSION}, {S}, {F}, Scope::SESSION, S, "", false},
        // TT_FILE messages: any session, the file must be listed.
        {"file pattern with the file", {Scope::FILE}, {}, {F}, Scope::FILE, S, F, true},
        {"file pattern other file", {Scope::FILE}, {}, {G}, Scope::FILE, S, F, false},
        {"file pattern, other session", {Scope::FILE}, {"S2"}, {F}, Scope::FILE, S, F, true},
        {"both pattern with file, no join", {Scope::BOTH}, {}, {F}, Scope::FILE, S, F, true},
        {"session pattern ignores file msg", {Scope::SESSION}, {S}, {F}, Scope::FILE, S, F, false},
        {"fis pattern ignores file msg", {Scope::FILE_IN_SESSION}, {S}, {F}, Scope::FILE, S, F, false},
        // TT_BOTH messages: session membership or a file, never a pattern in no session.
        {"both pattern in session", {Scope::BOTH}, {S}, {}, Scope::BOTH, S, F, true},
        {"session pattern in session", {Scope::SESSION}, {S}, {}, Scope::BOTH, S, F, true},
        {"both pattern other session, file", {Scope::BOTH}, {"S2"}, {F}, Scope::BOTH, S, F, true},
        {"both pattern other session, no file", {Scope::BOTH}, {"S2"}, {}, Scope::BOTH, S, F, false},
        {"file-only interest misses both msg", {Scope::FILE}, {}, {F}, Scope::BOTH, S, F, false},
        {"fis pattern misses both msg", {Scope::FILE_IN_SESSION}, {S}, {F}, Scope::BOTH, S, F, false},
        // TT_FILE_IN_SESSION messages: only FILE_IN_SESSION patterns, session and file.
        {"fis pattern session and file", {Scope::FILE_IN_SESSION}, {S}, {F}, Scope::FILE_IN_SESSION, S, F, true},
        {"fis pattern, no files listed", {Scope::FILE_IN_SESSION}, {S}, {}, Scope::FILE_IN_SESSION, S, F, true},
        {"fis pattern other file", {Scope::FILE_IN_SESSION}, {S}, {G}, Scope::FILE_IN_SESSION, S, F, false},
        {"fis pattern other session", {Scope::FILE_IN_SESSION}, {"S2"}, {F}, Scope::FILE_IN_SESSION, S, F, false},
        {"both pattern misses fis msg", {Scope::BOTH}, {S}, {F}, Scope::FILE_IN_SESSION, S, F, false},
        {"session pattern misses fis msg", {Scope::SESSION}, {S}, {F}, Scope::FILE_IN_SESSION, S, F, false},
        // Example 8-1: FILE_IN_SESSION + SESSION in one pattern with a file. The session half
        // also needs the file (classic behaviour, kept).
        {"8-1 fis half", {Scope::FILE_IN_SESSION, Scope::SESSION}, {S}, {F}, Scope::FILE_IN_SESSION, S, F, true},
        {"8-1 session msg with file", {Scope::FILE_IN_SESSION, Scope::SESSION}, {S}, {F}, Scope::SESSION, S, F, true},
        {"8-1 session msg without file",
         {Scope::FILE_IN_SESSION, Scope::SESSION}, {S}, {F}, Scope::SESSION, S, "", false},
        // No scopes: never.
        {"pattern without scope", {}, {S}, {F}, Scope::SESSION, S, F, false},
        {"message without scope", {Scope::SESSION}, {S}, {}, Scope::NONE, S, "", false},
    };
    for (const auto& r : rows) {
        MessageBody body;
        body.session = r.message_session;
        body.file = r.message_file;
        EXPECT_EQ(scope_score(scoped(r), body, r.message_scope) >= 0, r.matches) << r.what;
    }
}

TEST(Match, MatchedFileAddsToScore) {
    Pattern with_file;
    with_file.category = Category::HANDLE;
    with_file.scopes.add(Scope::SESSION);
    with_file.sessions = {"S1"};
    Pattern without = with_file;
    with_file.files = {"f"};
    MessageBody b;
    b.session = "S1";
    b.file = "f";
    EXPECT_EQ(scope_score(with_file, b, Scope::SESSION), 1);
    EXPECT_EQ(scope_score(without, b, Scope::SESSION), 0);
}

TEST(Match, PatternScoreCountsEachSpecificField) {
    MessageBody b;
    b.cls = Class::REQUEST;
    b.address = Address::PROCEDURE;
    b.op = "ShowLine";
    b.session = "S1";
    b.sender = "p1";
    b.sender_ptype = "Debugger";
    MessageHeader h;
    h.state = State::SENT;
    h.scope = Scope::SESSION;
    h.handler_ptype = "TextEditor";

    Pattern p;
    p.category = Category::HANDLE;
    p.scopes.add(Scope::SESSION);
    p.sessions = {"S1"};
    EXPECT_EQ(pattern_score(p, b, h), 2) << "base 1 + context pass 1";
    p.ops = {"ShowLine"};
    EXPECT_EQ(pattern_score(p, b, h), 3);
    p.classes.add(Class::REQUEST);
    p.states.add(State::SENT);
    p.addresses.add(Address::PROCEDURE);
    p.dispositions.add(Disposition::DISCARD);
    EXPECT_EQ(pattern_score(p, b, h), 7);
    p.handler_ptypes = {"TextEditor"};
    p.sender_ptypes = {"Debugger"};
    p.senders = {"p1"};
    EXPECT_EQ(pattern_score(p, b, h), 10);
    p.opnums = {99};
    EXPECT_EQ(pattern_score(p, b, h), 10) << "opnums never matter";
    p.classes = EnumSet<Class>{Class::NOTICE};
    EXPECT_EQ(pattern_score(p, b, h), 0);
    p.classes = {};
    p.senders = {"p2"};
    EXPECT_EQ(pattern_score(p, b, h), 0);
    p.senders = {};
    p.ops = {"Other"};
    EXPECT_EQ(pattern_score(p, b, h), 0);
}

TEST(Match, SignatureScopeMustBeEqual) {
    Signature s = test::sig(Category::HANDLE, Scope::BOTH, "Quit");
    MessageBody b;
    b.op = "Quit";
    b.cls = Class::REQUEST;
    MessageHeader h;
    h.scope = Scope::SESSION;
    EXPECT_EQ(signature_score(s, b, h), 0) << "a scope-less (TT_BOTH) signature misses a TT_SESSION message";
    h.scope = Scope::BOTH;
    EXPECT_EQ(signature_score(s, b, h), 1);
    s.cls = Class::NOTICE;
    EXPECT_EQ(signature_score(s, b, h), 0);
}

}  // namespace
}  // namespace ttbus::core
