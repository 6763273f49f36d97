// Every syntax and semantic error class: each names file, line, column and what was expected, and a
// source with an error yields no types.
#include "helpers.h"

#include <gtest/gtest.h>

using namespace ttbus;
using namespace ttbus::types;
using test::compile;
using test::first_error;

namespace {

struct Case {
    const char* text;
    const char* message;  // expected substring of the formatted error
};

void expect_error(const Case& c) {
    auto p = compile(c.text);
    EXPECT_FALSE(p.ok()) << c.text;
    EXPECT_TRUE(p.types.empty()) << c.text;
    std::string e = first_error(p);
    EXPECT_NE(e.find(c.message), std::string::npos) << "source: " << c.text << "\nerror: " << e;
}

}  // namespace

TEST(TypesErrors, SyntaxErrorsNameTheLocationAndWhatWasExpected) {
    const Case cases[] = {
        {"", "t.types:1:1: error: syntax error: expected 'ptype' or 'otype', found end of input"},
        {"   // nothing\n", "t.types:2:1: error: syntax error: expected 'ptype' or 'otype'"},
        {"foo", "t.types:1:1: error: syntax error: expected 'ptype' or 'otype', found 'foo'"},
        {"ptype { }", "1:7: error: syntax error: expected a ptype name after 'ptype', found '{'"},
        {"ptype file { }", "expected a ptype name after 'ptype', found reserved word 'file' (reserved words"},
        {"ptype P handle", "1:9: error: syntax error: expected '{' after the ptype name, found reserved word"},
        {"ptype P { start; }", "1:16: error: syntax error: expected a string or a number after 'start', found ';'"},
        {"ptype P { start \"x\" }", "expected ';' after the start value, found '}'"},
        {"ptype P { handle Op(); }", "expected ':' after the section name, found 'Op'"},
        {"ptype P { handle: Op; }", "expected '(' after the op name, found ';'"},
        {"ptype P { handle: Op(string s); }", "expected an argument mode ('in', 'out' or 'inout'), 'void' or ')'"},
        {"ptype P { handle: Op(in); }", "expected a vtype after the argument mode, found ')'"},
        {"ptype P { handle: Op(in int); }", "expected an argument name after the vtype, found ')'"},
        {"ptype P { handle: Op(in int a b); }", "expected ',' or ')' after an argument, found 'b'"},
        {"ptype P { handle: Op(void x); }", "expected ')' after 'void', found 'x'"},
        {"ptype P { handle: Op() }", "expected '=>' or ';' after the signature, found '}'"},
        {"ptype P { handle: Op() => foo; }", "expected 'start', 'queue', 'opnum' or ';' (they come in this order)"},
        {"ptype P { handle: Op() => opnum 3; }", "expected '=' after 'opnum', found number 3"},
        {"ptype P { handle: Op() => opnum = x; }", "expected a number, found 'x'"},
        {"ptype P { handle: Op() => opnum = 2147483648; }", "number 2147483648 is too large"},
        {"ptype P { handle: Op() context; }", "expected '(' after 'context'"},
        {"ptype P { handle: Op() context(); }", "expected a context slot name, found ')'"},
        {"ptype P { handle: Op() context(a b); }", "expected ',' or ')' after a context slot name"},
        {"ptype P { handle: session; }", "expected an op name after the scope, found ';'"},
        {"ptype P { handle: Op();", "expected a section ('handle:', 'handle_push:', 'handle_rotate:', 'observe:') or '}'"},
        {"ptype P { x }", "expected a property ('start', 'per_file', 'per_session'), a section"},
        {"ptype P { handle: Op(); } start", "expected 'ptype' or 'otype', found reserved word 'start'"},
        {"otype : A { }", "expected an otype name after 'otype', found ':'"},
        {"otype O : { }", "expected a parent otype name after ':', found '{'"},
        {"otype O : A ; { }", "expected another parent otype name or '{', found ';'"},
        {"otype O handle", "expected ':' and parent otypes, or '{' after the otype name"},
        {"otype O { handle: Op(); }", "expected '=>' and the handling ptype (otype signatures name their ptype)"},
        {"otype O { handle: Op() => ; }", "expected a ptype name or 'from' after '=>', found ';'"},
        {"otype O { handle: Op() => P session file; }", "expected a scope, 'start', 'queue', 'opnum', 'from' or ';'"},
        {"otype O { handle: Op() => from; }", "expected an otype name after 'from', found ';'"},
        {"otype O { handle: Op() => from A opnum=1; }", "expected ';' after the inherited otype"},
        {"otype O { handle: session Op() => P; }", "expected a signature (an op name), a section such as 'handle:'"},
        {"ptype P { handle: Op() => opnum = -1; }", "1:35: error: syntax error: unexpected character '-'"},
        {"ptype P @", "unexpected character '@'"},
        {"ptype P { start \"abc", "1:17: error: syntax error: unterminated string: expected '\"'"},
        {"ptype P /* never closed", "1:9: error: syntax error: unterminated comment: expected '*/'"},
        {"#define X 1\nptype P {}", "1:1: error: syntax error: unexpected preprocessor directive '#define X 1'"},
        {"# 5 \"f\nptype P {}", "unterminated file name in line marker"},
        {"ptype P\x01", "unexpected character '\\x01'"},
    };
    for (const auto& c : cases) expect_error(c);
}

TEST(TypesErrors, ErrorsOnLaterLinesCountLinesAndColumns) {
    auto p = compile("ptype P {\n  handle:\n\tOp(in int a,\n      ) ;\n}");
    EXPECT_EQ(first_error(p),
              "t.types:4:7: error: syntax error: expected an argument mode ('in', 'out' or 'inout'), 'void' or ')', found ')'");
}

TEST(TypesErrors, SemanticErrors) {
    const Case cases[] = {
        {"ptype P { }\nptype P { }", "t.types:2:1: error: ptype 'P' is already defined at t.types:1:1"},
        {"otype O { }\n otype O { }", "t.types:2:2: error: otype 'O' is already defined at t.types:1:1"},
        {"otype O : Missing { }", "t.types:1:11: error: otype 'O' names parent otype 'Missing', which is not defined"},
        {"otype A : B { }\notype B : A { }", "otype 'A' inherits from itself (inheritance cycle)"},
        {"otype A : A { }", "otype 'A' inherits from itself"},
        {"otype O { handle: Op() => Nobody; }", "1:19: error: signature Op() in otype 'O' names ptype 'Nobody', which is not defined"},
        {"ptype P { }\notype A { }\notype B { handle: Op() => P from A; }",
         "signature Op() in otype 'B' inherits from 'A', which is not an ancestor of 'B'"},
        {"ptype P { }\notype A { handle: Op(in int n) => P; }\notype B : A { handle: Op(in string n) => P from A; }",
         "3:23: error: inherited signature Op(in string n) in otype 'B' does not exist in parent 'A'"},
        {"ptype P { }\notype A { handle: Op() context(x) => P; }\notype B : A { handle: Op() => from A; }",
         "inherited signature Op() in otype 'B' does not exist in parent 'A'"},
        {"otype A { }\notype B : A { handle: Op() => from B; }", "inherits from 'B', which is not an ancestor of 'B'"},
        {"ptype P { handle: session Op(in int a); handle_push: session Op(in int b); }",
         "1:54: error: ptype 'P' already has handler signature Op(in int b) (at t.types:1:19)"},
    };
    for (const auto& c : cases) expect_error(c);
}

TEST(TypesErrors, DistinguishableSignaturesAreFine) {
    auto p = compile(
        "ptype P { handle: session Op(in int a); file Op(in int a); session Op(out int a); session Op(in string a);"
        " session Op(in int a) context(c); observe: session Op(in int a); }");
    EXPECT_TRUE(p.ok()) << first_error(p);
}

TEST(TypesErrors, WarningsDoNotFail) {
    auto p = compile(
        "ptype P { handle: Op(); }\nptype Q { handle: Op(); }\n"
        "otype O { handle: X() => P; X() => Q; }");
    EXPECT_TRUE(p.ok()) << first_error(p);
    ASSERT_EQ(p.diagnostics.size(), 2u);
    EXPECT_EQ(format(p.diagnostics[0]), "t.types:3:29: warning: otype 'O' defines handler X() twice (first at t.types:3:19)");
    EXPECT_EQ(format(p.diagnostics[1]), "t.types:2:19: warning: ptypes 'P' and 'Q' both handle Op()");
}

TEST(TypesErrors, KnownTypesSatisfyReferences) {
    auto base = compile("ptype Impl { }\notype Base { handle: Op(in int n) => Impl opnum=1; }");
    ASSERT_TRUE(base.ok());
    auto p = compile("otype Derived : Base { handle: Op(in int n) => from Base; Other() => Impl; }", base.types);
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.otypes[0].signatures[0].ptype, "Impl");
    EXPECT_EQ(p.types.otypes[0].signatures[0].opnum, 1);
}

TEST(TypesErrors, ADerivedOtypeMayAddItsOwnSignatures) {
    // The classic compiler rejects this ("does not exist in parent"); ttbus accepts it (docs/types.md).
    auto p = compile("ptype P { }\notype A { }\notype B : A { handle: New() => P; }");
    EXPECT_TRUE(p.ok()) << first_error(p);
}
