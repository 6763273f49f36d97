// JSON type files: classic -> JSON -> database equals classic -> database; ttbus-only fields; errors.
#include "helpers.h"

#include "types/database.h"
#include "types/json_types.h"

#include <gtest/gtest.h>

using namespace ttbus;
using namespace ttbus::types;
using namespace ttbus::types::test;

namespace {

ParsedTypes json_compile(const std::string& text, const TypeSet& known = {}) {
    ParsedTypes p = parse_json_types(text, "t.json");
    check_types(p, known);
    return p;
}

std::string json_error(const std::string& text) {
    auto p = json_compile(text);
    EXPECT_FALSE(p.ok()) << text;
    EXPECT_TRUE(p.types.empty());
    return first_error(p);
}

std::string ptype_doc(const std::string& ptype_members) {
    return R"({"format":"ttbus-types","version":1,"ptypes":[{"id":"P",)" + ptype_members + "}]}";
}

}  // namespace

class JsonRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonRoundTrip, ClassicThenJsonEqualsClassic) {
    FileTypes classic = read_type_file(data_dir() + "/" + GetParam() + ".types", CppOptions{}, {});
    ASSERT_TRUE(classic.ok());
    auto via_json = json_compile(write_json_types(classic.types));
    ASSERT_TRUE(via_json.ok()) << first_error(via_json);
    EXPECT_EQ(via_json.types, classic.types);
    auto a = build(classic.types);
    auto b = build(via_json.types);
    EXPECT_EQ(a->ptypes(), b->ptypes());
    EXPECT_EQ(a->otypes(), b->otypes());
    EXPECT_EQ(write_json_types(via_json.types), write_json_types(classic.types));  // stable form
}

INSTANTIATE_TEST_SUITE_P(Reference, JsonRoundTrip, ::testing::Values("tiny", "desktop"));

TEST(TypesJson, EveryConstructRoundTrips) {
    auto classic = compile(
        "ptype P { start \"s\" \"t\"; per_file 1; per_session \"x\";\n"
        "  handle: session A(in int a, out string b, inout ALL c) context(z, y) => start queue opnum=3;\n"
        "  handle_push: file B(void); handle_rotate: file_in_session C() => queue; observe: D(); }\n"
        "otype O { handle: M(in string objid) => P file start opnum=9; observe: N() => P; }\n"
        "otype Q : O { handle: M(in string objid) => from O; N2() => P; }\n");
    ASSERT_TRUE(classic.ok()) << first_error(classic);
    auto via_json = json_compile(write_json_types(classic.types));
    ASSERT_TRUE(via_json.ok()) << first_error(via_json);
    EXPECT_EQ(via_json.types, classic.types);
}

TEST(TypesJson, TtbusOnlyFields) {
    auto p = json_compile(ptype_doc(R"("start":"v","unit":"viewer.service",
        "x-dbus":{"ops":{"Display":{"method":"Show"}}},"x-later":[1,2],
        "signatures":[{"category":"handle","op":"Display","class":"request",
                       "args":[{"mode":"in","vtype":"int","name":"n","value":7}]}])"));
    ASSERT_TRUE(p.ok()) << first_error(p);
    const auto& pt = p.types.ptypes[0];
    EXPECT_EQ(pt.unit, "viewer.service");
    EXPECT_EQ(pt.extensions, R"({"x-dbus":{"ops":{"Display":{"method":"Show"}}},"x-later":[1,2]})");
    EXPECT_EQ(pt.signatures[0].cls, core::Class::REQUEST);
    EXPECT_EQ(pt.signatures[0].args[0].value, core::Value(std::int32_t{7}));
    auto again = json_compile(write_json_types(p.types));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.types, p.types);
}

TEST(TypesJson, PureInheritanceForm) {
    auto p = json_compile(R"({"format":"ttbus-types","version":1,
      "ptypes":[{"id":"P"}],
      "otypes":[{"id":"A","signatures":[{"category":"handle","op":"M","ptype":"P","opnum":4}]},
                {"id":"B","parents":["A"],"signatures":[{"category":"handle","op":"M","from":"A"}]}]})");
    ASSERT_TRUE(p.ok()) << first_error(p);
    EXPECT_EQ(p.types.otypes[1].signatures[0].ptype, "P");
    EXPECT_EQ(p.types.otypes[1].signatures[0].opnum, 4);
}

TEST(TypesJson, SyntaxErrorsHaveLineAndColumn) {
    EXPECT_EQ(json_error("{\n  \"format\": \"ttbus-types\",\n  \"version\": 1,,\n}"),
              "t.json:3:16: error: malformed JSON: syntax error while parsing object key - unexpected ','; "
              "expected string literal");
}

TEST(TypesJson, StructureErrorsHaveAJsonPointer) {
    const std::pair<std::string, std::string> cases[] = {
        {"[]", "t.json: at /: error: expected an object"},
        {R"({"format":"other","version":1})", "at /format: error: expected \"ttbus-types\""},
        {R"({"format":"ttbus-types"})", "at /version: error: expected an integer"},
        {R"({"format":"ttbus-types","version":2})", "at /version: error: version 2 is newer"},
        {R"({"format":"ttbus-types","version":1,"extra":1})", "at /extra: error: unknown member \"extra\""},
        {R"({"format":"ttbus-types","version":1,"ptypes":{}})", "at /ptypes: error: expected an array"},
        {ptype_doc(R"("x":1)"), "at /ptypes/0/x: error: unknown member \"x\""},
        {R"({"format":"ttbus-types","version":1,"ptypes":[{}]})", "at /ptypes/0: error: missing member \"id\""},
        {ptype_doc(R"("start":5)"), "at /ptypes/0/start: error: expected a string"},
        {R"({"format":"ttbus-types","version":1,"ptypes":[{"id":"file"}]})", "\"file\" is not a name"},
        {R"({"format":"ttbus-types","version":1,"ptypes":[{"id":"a b"}]})", "\"a b\" is not a name"},
        {ptype_doc(R"("signatures":[{"op":"X"}])"), "at /ptypes/0/signatures/0: error: missing member \"category\""},
        {ptype_doc(R"("signatures":[{"category":"look","op":"X"}])"), "at /ptypes/0/signatures/0/category"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","scope":"everywhere"}])"), "/scope: error: expected"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","start":"yes"}])"), "/start: error: expected true or false"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","opnum":-2}])"), "/opnum: error: expected an integer"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","class":"memo"}])"), "/class: error: expected"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","ptype":"P"}])"), "/signatures/0/ptype: error: unknown member"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","args":[{"mode":"up","vtype":"a","name":"b"}]}])"),
         "/args/0/mode: error: expected \"in\", \"out\" or \"inout\""},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","args":[{"mode":"in","vtype":"a","name":"b","value":1.5}]}])"),
         "/args/0/value: error: expected a 32-bit integer or a string"},
        {ptype_doc(R"("signatures":[{"category":"handle","op":"X","contexts":[1]}])"), "/contexts/0: error: expected a name"},
        {R"({"format":"ttbus-types","version":1,"otypes":[{"id":"O","signatures":[{"category":"handle","op":"X"}]}]})",
         "at /otypes/0/signatures/0: error: an otype signature needs \"ptype\""},
        {R"({"format":"ttbus-types","version":1,"otypes":[{"id":"O","x-a":1}]})", "/otypes/0/x-a: error: unknown member"},
    };
    for (const auto& [text, want] : cases) {
        std::string e = json_error(text);
        EXPECT_NE(e.find(want), std::string::npos) << text << "\n" << e;
    }
}

TEST(TypesJson, SemanticErrorsPointAtTheDefinition) {
    auto p = json_compile(R"({"format":"ttbus-types","version":1,
      "otypes":[{"id":"O","parents":["Nope"]}]})");
    EXPECT_EQ(first_error(p), "t.json: at /otypes/0/parents/0: error: otype 'O' names parent otype 'Nope', which is not defined");
}

TEST(TypesJson, DataPtypesLoad) {
    FileTypes f = read_type_file(data_dir() + "/../../../../examples/types/ttbus-demo-viewer.json", CppOptions{}, {});
    ASSERT_TRUE(f.ok()) << format(f.diagnostics[0]);
    ASSERT_EQ(f.types.ptypes.size(), 1u);
    EXPECT_EQ(f.types.ptypes[0].unit, "ttbus-demo-viewer.service");
    FileTypes g = read_type_file(data_dir() + "/../../../../examples/types/ttbus-demo-editor.types", CppOptions{}, {});
    ASSERT_TRUE(g.ok()) << format(g.diagnostics[0]);
    EXPECT_EQ(g.types.ptypes[0].signatures[0].op, "ShowLine");
}

TEST(TypesJson, DocumentedExampleLoads) {
    FileTypes f = read_type_file(data_dir() + "/../../../../docs/types.example.json", CppOptions{}, {});
    ASSERT_TRUE(f.ok()) << format(f.diagnostics[0]);
    EXPECT_EQ(f.types.otypes[1].signatures[0].opnum, 20);  // pure inheritance resolved
    EXPECT_NE(f.types.ptypes[0].extensions.find("x-dbus"), std::string::npos);
}
