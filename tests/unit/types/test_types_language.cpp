// The classic types language: every grammar construct and the lexical rules (facts §3.2–3.4).
#include "helpers.h"
#include "types/xdr_types.h"

#include <gtest/gtest.h>

using namespace ttbus;
using namespace ttbus::types;
using test::compile;
using test::first_error;

namespace {

core::Signature only_sig(const ParsedTypes& p) {
    EXPECT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.ptypes.size(), 1u);
    EXPECT_EQ(p.types.ptypes.at(0).signatures.size(), 1u);
    return p.types.ptypes.at(0).signatures.at(0);
}

ParsedTypes one(const std::string& sig, const std::string& section = "handle") {
    return compile("ptype P { " + section + ": " + sig + " };");
}

}  // namespace

TEST(TypesLanguage, PtypeWithStartAndSignatureDefaults) {
    auto p = compile("ptype Ed { start \"ed -s\"; handle: Show(in string path) => start opnum=4; };");
    ASSERT_TRUE(p.ok()) << first_error(p);
    const auto& pt = p.types.ptypes[0];
    EXPECT_EQ(pt.id, "Ed");
    EXPECT_EQ(pt.start, "ed -s");
    ASSERT_EQ(pt.properties.size(), 1u);
    EXPECT_EQ(pt.properties[0], (std::pair<std::string, std::string>{"start", "ed -s"}));
    const auto& s = pt.signatures[0];
    EXPECT_EQ(s.op, "Show");
    EXPECT_EQ(s.scope, core::Scope::BOTH);  // no scope keyword
    EXPECT_EQ(s.cls, core::Class::UNDEFINED);
    EXPECT_EQ(s.category, core::Category::HANDLE);
    EXPECT_EQ(s.disposition, core::Disposition::START);
    EXPECT_EQ(s.opnum, 4);
    EXPECT_EQ(s.ptype, "Ed");
    ASSERT_EQ(s.args.size(), 1u);
    EXPECT_EQ(s.args[0].mode, core::Mode::IN);
    EXPECT_EQ(s.args[0].vtype, "string");
    EXPECT_EQ(s.args[0].name, "path");
}

TEST(TypesLanguage, AllSections) {
    auto p = compile(
        "ptype P { observe: O(); handle: H(); handle_push: Pu(); handle_rotate: R(); handle: H2(); }");
    ASSERT_TRUE(p.ok()) << first_error(p);
    std::vector<std::pair<std::string, core::Category>> got;
    for (const auto& s : p.types.ptypes[0].signatures) got.emplace_back(s.op, s.category);
    // Normalized: handler sections first (definition order), then observe.
    std::vector<std::pair<std::string, core::Category>> want{
        {"H", core::Category::HANDLE}, {"Pu", core::Category::HANDLE_PUSH},
        {"R", core::Category::HANDLE_ROTATE}, {"H2", core::Category::HANDLE}, {"O", core::Category::OBSERVE}};
    EXPECT_EQ(got, want);
}

TEST(TypesLanguage, Scopes) {
    EXPECT_EQ(only_sig(one("file F();")).scope, core::Scope::FILE);
    EXPECT_EQ(only_sig(one("session S();")).scope, core::Scope::SESSION);
    EXPECT_EQ(only_sig(one("file_in_session FS();")).scope, core::Scope::FILE_IN_SESSION);
    EXPECT_EQ(only_sig(one("N();")).scope, core::Scope::BOTH);
    // `both` is not a keyword: it reads as an op name, and the real op name is then unexpected.
    EXPECT_NE(first_error(one("both B();")), "");
}

TEST(TypesLanguage, ArgumentsModesAndEmptyLists) {
    const auto s = only_sig(one("Op(in int a, out string b, inout ALL c);"));
    ASSERT_EQ(s.args.size(), 3u);
    EXPECT_EQ(s.args[0].mode, core::Mode::IN);
    EXPECT_EQ(s.args[1].mode, core::Mode::OUT);
    EXPECT_EQ(s.args[2].mode, core::Mode::INOUT);
    EXPECT_EQ(s.args[2].vtype, "ALL");
    EXPECT_TRUE(only_sig(one("Op();")).args.empty());
    EXPECT_TRUE(only_sig(one("Op(void);")).args.empty());
}

TEST(TypesLanguage, ContextsAreSorted) {
    const auto s = only_sig(one("Op() context(zeta, alpha, mid);"));
    EXPECT_EQ(s.contexts, (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST(TypesLanguage, Dispositions) {
    EXPECT_EQ(only_sig(one("Op();")).disposition, core::Disposition::DISCARD);
    EXPECT_EQ(only_sig(one("Op() =>;")).disposition, core::Disposition::DISCARD);
    EXPECT_EQ(only_sig(one("Op() => start;")).disposition, core::Disposition::START);
    EXPECT_EQ(only_sig(one("Op() => queue;")).disposition, core::Disposition::QUEUE);
    EXPECT_EQ(static_cast<int>(only_sig(one("Op() => start queue;")).disposition), 3);
    EXPECT_EQ(only_sig(one("Op() => opnum = 12;")).opnum, 12);
    EXPECT_EQ(only_sig(one("Op();")).opnum, -1);
    EXPECT_EQ(only_sig(one("Op() => opnum=2147483647;")).opnum, 2147483647);
    EXPECT_NE(first_error(one("Op() => queue start;")), "");  // fixed order
}

TEST(TypesLanguage, PropertiesAndStringConcatenation) {
    auto p = compile("ptype P { start \"/usr/x\" \"/edit\" \" -s\"; per_file 3; per_session \"y\"; };");
    ASSERT_TRUE(p.ok()) << first_error(p);
    const auto& pt = p.types.ptypes[0];
    EXPECT_EQ(pt.start, "/usr/x/edit -s");
    std::vector<std::pair<std::string, std::string>> want{
        {"start", "/usr/x/edit -s"}, {"per_file", "3"}, {"per_session", "y"}};
    EXPECT_EQ(pt.properties, want);
    auto again = compile("ptype P { start \"a\"; start \"b\"; };");
    EXPECT_EQ(again.types.ptypes[0].start, "b");
    EXPECT_EQ(again.types.ptypes[0].properties.size(), 1u);
}

TEST(TypesLanguage, EmptyPtypeAndOptionalSemicolons) {
    auto p = compile("ptype A { } ptype B { }; otype O { } otype Q { };");
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.ptypes.size(), 2u);
    EXPECT_EQ(p.types.otypes.size(), 2u);
}

TEST(TypesLanguage, OtypeSignatures) {
    auto p = compile(
        "ptype Impl { }\n"
        "otype Doc {\n"
        "  handle: Print(in string printer) => Impl session start queue opnum = 5;\n"
        "  observe: Changed() context(c) => Impl;\n"
        "  handle_push: P() => Impl file;\n"
        "  handle_rotate: R() => Impl file_in_session;\n"
        "}\n");
    ASSERT_TRUE(p.ok()) << first_error(p);
    const auto& o = p.types.otypes[0];
    ASSERT_EQ(o.signatures.size(), 4u);
    const auto& print = o.signatures[0];
    EXPECT_EQ(print.ptype, "Impl");
    EXPECT_EQ(print.otype, "Doc");
    EXPECT_EQ(print.super_otype, "Doc");  // own signatures name their own otype as `from`
    EXPECT_EQ(print.scope, core::Scope::SESSION);
    EXPECT_EQ(static_cast<int>(print.disposition), 3);
    EXPECT_EQ(print.opnum, 5);
    EXPECT_EQ(o.signatures[1].category, core::Category::HANDLE_PUSH);
    EXPECT_EQ(o.signatures[1].scope, core::Scope::FILE);
    EXPECT_EQ(o.signatures[2].category, core::Category::HANDLE_ROTATE);
    EXPECT_EQ(o.signatures[3].category, core::Category::OBSERVE);
    EXPECT_EQ(o.signatures[3].scope, core::Scope::BOTH);
    EXPECT_EQ(o.signatures[3].contexts, std::vector<std::string>{"c"});
}

TEST(TypesLanguage, OtypeParentsAndFrom) {
    auto p = compile(
        "ptype Impl { }\n"
        "otype A { handle: Op(in int n) => Impl opnum=1; }\n"
        "otype B { handle: Other() => Impl; }\n"
        "otype C : A B { handle: Op(in int n) => Impl opnum=2 from A; }\n");
    ASSERT_TRUE(p.ok()) << first_error(p);
    const auto& c = p.types.otypes[2];
    EXPECT_EQ(c.parents, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(c.signatures[0].super_otype, "A");
    EXPECT_EQ(c.signatures[0].opnum, 2);
}

TEST(TypesLanguage, PureInheritanceCopiesTheParentSignature) {
    auto p = compile(
        "ptype Impl { }\n"
        "otype A { handle: Op(in int n) => Impl file_in_session start opnum=7; }\n"
        "otype B : A { handle: Op(in int n) => from A; }\n");
    ASSERT_TRUE(p.ok()) << first_error(p);
    const auto& s = p.types.otypes[1].signatures[0];
    EXPECT_EQ(s.ptype, "Impl");
    EXPECT_EQ(s.scope, core::Scope::FILE_IN_SESSION);
    EXPECT_EQ(s.disposition, core::Disposition::START);
    EXPECT_EQ(s.opnum, 7);
    EXPECT_EQ(s.otype, "B");
    EXPECT_EQ(s.super_otype, "A");
}

TEST(TypesLanguage, PureInheritanceFromAGrandparentAndAcrossLevels) {
    auto p = compile(
        "ptype Impl { }\n"
        "otype C : B { handle: Op() => from A; }\n"  // defined before its parents
        "otype B : A { }\n"
        "otype A { handle: Op() => Impl opnum=3; }\n");
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.otypes[0].signatures[0].opnum, 3);
}

TEST(TypesLanguage, Comments) {
    auto p = compile(
        "// line comment\n"
        "ptype /* inline */ P { // trailing\n"
        "  /* multi\n line */ handle: Op(); }\n");
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.ptypes[0].signatures[0].op, "Op");
}

TEST(TypesLanguage, IdentifiersMayHoldDashesDigitsAndUnderscores) {
    const auto s = only_sig(one("Op-2_x(in vt-1 a_b-c);"));
    EXPECT_EQ(s.op, "Op-2_x");
    EXPECT_EQ(s.args[0].vtype, "vt-1");
    EXPECT_EQ(s.args[0].name, "a_b-c");
}

TEST(TypesLanguage, LeadingUnderscoreIsDroppedLikeTheClassicScanner) {
    const auto s = only_sig(one("session Display(in _DT_NETFILE contents);"));
    EXPECT_EQ(s.args[0].vtype, "DT_NETFILE");
    auto p = compile("ptype __Two { }");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p.types.ptypes[0].id, "Two");
}

TEST(TypesLanguage, ReservedWordsCannotBeNames) {
    for (const char* word : {"otype", "inherit", "from", "ptype", "per_file", "per_session", "start", "observe",
                             "handle", "handle_push", "handle_rotate", "file", "session", "file_in_session",
                             "request", "notification", "void", "in", "out", "inout", "queue", "opnum",
                             "context"}) {
        auto p = one(std::string("Op(in string ") + word + ");");
        EXPECT_NE(first_error(p).find("reserved word"), std::string::npos) << word << ": " << first_error(p);
    }
}

TEST(TypesLanguage, LineMarkersNameTheOriginalFile) {
    auto p = parse_types("# 1 \"top.types\"\n# 1 \"inc.h\" 1\n\n# 7 \"top.types\" 2\nptype P { handle: Op() ; ; }\n",
                         "cpp-output");
    ASSERT_FALSE(p.ok());
    const auto& where = p.diagnostics[0].where;
    EXPECT_EQ(where.file, "top.types");
    EXPECT_EQ(where.line, 7);
    EXPECT_EQ(where.column, 26);
    auto line_form = parse_types("#line 40 \"x.types\"\nptype\n", "in");
    EXPECT_EQ(line_form.diagnostics[0].where.line, 41);
    EXPECT_EQ(line_form.diagnostics[0].where.file, "x.types");
    EXPECT_TRUE(parse_types("#pragma once\n#ident \"x\"\nptype P {}", "in").ok());
}

TEST(TypesLanguage, RealCdeStyleExample) {
    auto p = compile(R"(
ptype DT_File_Manager {
    start "dtfile -noview";
    handle:
        session DtFolder_Show()  => start opnum=0;
        session Display( in FILE_NAME contents ) => start opnum = 1;
        session Display( in _DT_NETFILE contents ) => start opnum = 1001;
};
ptype Sun_EditDemo {
    start "/demo" "/edit";
    handle:
        file_in_session Sun_EditDemo_edit(void) => start opnum=1;
        file_in_session Sun_EditDemo_save_as(in string new_filename) => opnum=2;
};
otype Sun_EditDemo_object {
    handle:
        hilite_obj(in string objid) => Sun_EditDemo file_in_session start opnum=3;
};
)");
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.ptypes.size(), 2u);
    EXPECT_EQ(p.types.ptypes[1].start, "/demo/edit");
}

namespace {

// Classic files name a systemd unit with the start string "systemd-unit:NAME".
TEST(TypesUnits, ClassicStartStringNamesAUnit) {
    using namespace ttbus::types;
    auto parsed = test::compile("ptype Served { start \"systemd-unit:served.service\"; handle: session Go(); };\n");
    ASSERT_TRUE(parsed.ok());
    const ttbus::core::Ptype& p = parsed.types.ptypes.at(0);
    EXPECT_EQ(p.unit, "served.service");
    EXPECT_TRUE(p.start.empty());
    // Through types.xdr and back, the unit survives.
    XdrRead back = read_types_xdr(write_types_xdr(parsed.types), "x");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.types.ptypes.at(0).unit, "served.service");
    EXPECT_EQ(back.types, parsed.types);
}

}  // namespace
