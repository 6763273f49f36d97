// The one type database: search path, precedence, merging, removal and the on-disk form.
#include "helpers.h"

#include "types/database.h"
#include "types/json_types.h"
#include "types/xdr_types.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <pwd.h>
#include <unistd.h>
#include <thread>

using namespace ttbus;
using namespace ttbus::types;
using namespace ttbus::types::test;

namespace {

std::string xdr_of(const std::string& src) { return write_types_xdr(compile(src).types); }

// A ptype P whose start string says where it came from.
std::string ptype_from(const std::string& where) { return "ptype P { start \"" + where + "\"; }\nptype " + where + " { }\n"; }

std::string start_of_p(const TypeSet& t) {
    const auto* p = t.find_ptype("P");
    return p ? p->start : "";
}

}  // namespace

TEST(TypesSearchPath, ClassicDefaultsThenXdg) {
    Environment env{std::nullopt, "/h", std::nullopt, std::nullopt, std::nullopt, "/inst/types"};
    std::vector<PathEntry> want{
        {"/h/.tt/types.xdr", EntryKind::Database},
        {"/etc/tt/types.xdr", EntryKind::Database},
        {"/usr/dt/appconfig/tttypes/types.xdr", EntryKind::Database},
        {"/usr/openwin/etc/tt/types.xdr", EntryKind::Database},
        {"/h/.local/share/ttbus/types", EntryKind::Directory},
        {"/usr/local/share/ttbus/types", EntryKind::Directory},
        {"/usr/share/ttbus/types", EntryKind::Directory},
        {"/inst/types", EntryKind::Directory},
    };
    EXPECT_EQ(search_path(env), want);
}

TEST(TypesSearchPath, EnvironmentOverrides) {
    std::string dir = scratch_dir("ttpath");
    Environment env{dir + ":/no/such/file.xdr::/x/db.json", "/h", "/ow", "/data", "/a:relative:/b:", "/a/ttbus/types"};
    std::vector<PathEntry> want{
        {dir + "/types.xdr", EntryKind::Database},  // a directory element gets /types.xdr
        {"/no/such/file.xdr", EntryKind::Database},
        {"/x/db.json", EntryKind::Database},
        {"/data/ttbus/types", EntryKind::Directory},
        {"/a/ttbus/types", EntryKind::Directory},  // relative XDG entries are ignored, duplicates dropped
        {"/b/ttbus/types", EntryKind::Directory},
    };
    EXPECT_EQ(search_path(env), want);
    Environment no_ttpath{std::nullopt, "/h", "/ow", "relative", std::nullopt, ""};
    EXPECT_EQ(search_path(no_ttpath)[3].path, "/ow/etc/tt/types.xdr");
    EXPECT_EQ(search_path(no_ttpath)[4].path, "/h/.local/share/ttbus/types");
}

// A service started without HOME still finds the user's classic database, through the user database.
TEST(TypesSearchPath, HomeFromTheUserDatabaseWithoutHome) {
    const char* saved = std::getenv("HOME");
    const std::string home = saved ? saved : "";
    unsetenv("HOME");
    const passwd* user = getpwuid(getuid());
    ASSERT_NE(user, nullptr);
    Environment env = Environment::from_process();
    if (saved) setenv("HOME", home.c_str(), 1);
    ASSERT_TRUE(env.home.has_value());
    EXPECT_EQ(*env.home, user->pw_dir);
}

TEST(TypesSearchPath, Levels) {
    Environment env{std::nullopt, "/h", "/ow", std::nullopt, std::nullopt, ""};
    EXPECT_EQ(level_path(env, Level::User), "/h/.tt/types.xdr");
    EXPECT_EQ(level_path(env, Level::System), "/etc/tt/types.xdr");
    EXPECT_EQ(level_path(env, Level::Network), "/ow/etc/tt/types.xdr");
    EXPECT_EQ(level_path(env, Level::Xdg), "/h/.local/share/ttbus/types/types.json");
    Environment tt{"/u.xdr:/s.xdr:/n.xdr", std::nullopt, std::nullopt, "/d", std::nullopt, ""};
    EXPECT_EQ(level_path(tt, Level::User), "/u.xdr");
    EXPECT_EQ(level_path(tt, Level::System), "/s.xdr");
    EXPECT_EQ(level_path(tt, Level::Network), "/n.xdr");
    EXPECT_EQ(level_path(tt, Level::Xdg), "/d/ttbus/types/types.json");
    Environment one{"/only.xdr", std::nullopt, std::nullopt, std::nullopt, std::nullopt, ""};
    EXPECT_EQ(level_path(one, Level::System), std::nullopt);
    EXPECT_EQ(level_path(one, Level::Network), "/only.xdr");
    Environment homeless{std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, ""};
    EXPECT_EQ(level_path(homeless, Level::User), std::nullopt);
    EXPECT_EQ(level_path(homeless, Level::Xdg), std::nullopt);
    EXPECT_EQ(level_from_word("system"), Level::System);
    EXPECT_EQ(level_from_word("both"), std::nullopt);
}

TEST(TypesDatabase, LeftmostWinsAlongThePath) {
    std::string dir = scratch_dir("precedence");
    spit(dir + "/user.xdr", xdr_of(ptype_from("User")));
    spit(dir + "/system.xdr", xdr_of(ptype_from("System")));
    spit(dir + "/xdg/10-first.types", ptype_from("XdgFirst"));
    spit(dir + "/xdg/20-second.json", write_json_types(compile(ptype_from("XdgSecond")).types));
    spit(dir + "/xdg/notes.txt", "ignored");
    spit(dir + "/inst/types.xdr", xdr_of(ptype_from("Installed")));
    std::vector<PathEntry> path{{dir + "/user.xdr", EntryKind::Database},
                                {dir + "/missing.xdr", EntryKind::Database},
                                {dir + "/system.xdr", EntryKind::Database},
                                {dir + "/xdg", EntryKind::Directory},
                                {dir + "/inst", EntryKind::Directory}};
    for (std::size_t first = 0; first < path.size(); ++first) {
        std::vector<PathEntry> tail(path.begin() + static_cast<std::ptrdiff_t>(first), path.end());
        FileTypes db = load_database(tail, CppOptions{});
        ASSERT_TRUE(db.ok()) << format(db.diagnostics[0]);
        const char* want[] = {"User", "System", "System", "XdgFirst", "Installed"};
        EXPECT_EQ(start_of_p(db.types), want[first]) << first;
    }
    FileTypes all = load_database(path, CppOptions{});
    for (const char* id : {"User", "System", "XdgFirst", "XdgSecond", "Installed"}) {
        EXPECT_NE(all.types.find_ptype(id), nullptr) << id;
    }
}

TEST(TypesDatabase, AFileMayReferToTypesOfLaterEntries) {
    std::string dir = scratch_dir("refs");
    spit(dir + "/a/types.xdr", xdr_of("ptype Impl { }\notype Base { handle: Op() => Impl opnum=1; }"));
    spit(dir + "/b/derived.types", "otype Derived : Base { handle: Op() => from Base; }\n");
    FileTypes db = load_database({{dir + "/b", EntryKind::Directory}, {dir + "/a/types.xdr", EntryKind::Database}}, {});
    ASSERT_TRUE(db.ok()) << format(db.diagnostics[0]);
    EXPECT_EQ(db.types.find_otype("Derived")->signatures[0].opnum, 1);
}

TEST(TypesDatabase, ABadFileIsReportedAndSkipped) {
    std::string dir = scratch_dir("bad");
    spit(dir + "/good.types", "ptype Good { }\n");
    spit(dir + "/bad.types", "ptype Bad {\n");
    spit(dir + "/damaged.xdr", std::string("\0\0\0\1\0\0", 6));
    spit(dir + "/empty.xdr", "");
    FileTypes db = load_database({{dir, EntryKind::Directory}}, CppOptions{});
    EXPECT_NE(db.types.find_ptype("Good"), nullptr);
    EXPECT_EQ(db.types.find_ptype("Bad"), nullptr);
    ASSERT_EQ(db.diagnostics.size(), 2u);
    EXPECT_NE(format(db.diagnostics[0]).find("damaged.xdr: error: type database is damaged"), std::string::npos);
    EXPECT_NE(format(db.diagnostics[1]).find("bad.types:2:1: error: syntax error"), std::string::npos);
}

TEST(TypesDatabase, MergeModesAndRemoval) {
    TypeSet base = compile("ptype A { start \"old\"; }\nptype B { }\notype O { }").types;
    TypeSet add = compile("ptype A { start \"new\"; }\nptype C { }").types;
    TypeSet keep = base;
    EXPECT_EQ(merge(keep, add, MergeMode::KeepExisting), std::vector<std::string>{"A"});
    EXPECT_EQ(keep.find_ptype("A")->start, "old");
    EXPECT_NE(keep.find_ptype("C"), nullptr);
    EXPECT_EQ(merge(base, add, MergeMode::Overwrite), std::vector<std::string>{"A"});
    EXPECT_EQ(base.ptypes[0].start, "new");  // replaced in place
    EXPECT_EQ(base.ptypes[2].id, "C");
    EXPECT_EQ(remove(base, {"B", "O", "Z"}), std::vector<std::string>{"Z"});
    EXPECT_EQ(base.ptypes.size(), 2u);
    EXPECT_TRUE(base.otypes.empty());
}

TEST(TypesDatabase, WriteIsAtomicAndStable) {
    std::string dir = scratch_dir("write");
    TypeSet t = compile(ptype_from("One")).types;
    for (const char* name : {"/new/dir/types.xdr", "/db.json"}) {
        std::string path = dir + name;
        ASSERT_EQ(write_database(path, t), std::nullopt);
        std::string first = slurp(path);
        FileTypes back = read_type_file(path, CppOptions{}, {});
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(back.types, t);
        ASSERT_EQ(write_database(path, back.types), std::nullopt);
        EXPECT_EQ(slurp(path), first);  // the same content gives the same bytes
        EXPECT_FALSE(std::filesystem::exists(path + "_tmp"));
        EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(path).parent_path() / ".tt_lock"));
    }
}

TEST(TypesDatabase, HeldLockFailsTheWrite) {
    std::string dir = scratch_dir("lock");
    spit(dir + "/.tt_lock", "");
    WriteOptions quick{3, std::chrono::milliseconds(1)};
    auto err = write_database(dir + "/types.xdr", TypeSet{}, quick);
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->find(".tt_lock"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir + "/types.xdr"));
}

TEST(TypesDatabase, CppOptionsAndMissingCpp) {
    std::string dir = scratch_dir("cpp");
    spit(dir + "/inc/names.h", "#define TOOL \"/opt/tool\"\n");
    spit(dir + "/t.types", "#include \"names.h\"\nptype P { start TOOL \" -x\"; handle: Op() => opnum = NUM; }\n");
    FileTypes f = read_type_file(dir + "/t.types", CppOptions{"cpp", {"-I" + dir + "/inc", "-DNUM=12"}}, {});
    ASSERT_TRUE(f.ok()) << format(f.diagnostics[0]);
    EXPECT_EQ(f.types.ptypes[0].start, "/opt/tool -x");
    EXPECT_EQ(f.types.ptypes[0].signatures[0].opnum, 12);

    FileTypes bad = read_type_file(dir + "/t.types", CppOptions{"cpp", {}}, {});  // #include not found
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(format(bad.diagnostics.back()).find("cpp failed"), std::string::npos);

    spit(dir + "/plain.types", "ptype Plain { }\n");
    FileTypes raw = read_type_file(dir + "/plain.types", CppOptions{"/no/such/cpp", {}}, {});
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw.types.ptypes[0].id, "Plain");
    ASSERT_EQ(raw.diagnostics.size(), 1u);
    EXPECT_EQ(raw.diagnostics[0].severity, Severity::Warning);

    spit(dir + "/err.types", "\n\nptype P { handle: Op( }\n");
    FileTypes located = read_type_file(dir + "/err.types", CppOptions{}, {});
    ASSERT_FALSE(located.ok());
    EXPECT_EQ(located.diagnostics[0].where.file, dir + "/err.types");
    EXPECT_EQ(located.diagnostics[0].where.line, 3);
    EXPECT_EQ(located.diagnostics[0].where.column, 23);
}

TEST(TypesDatabase, FormatsByName) {
    EXPECT_EQ(format_of("a/types.xdr"), FileFormat::Xdr);
    EXPECT_EQ(format_of("db"), FileFormat::Xdr);
    EXPECT_EQ(format_of("x.json"), FileFormat::Json);
    EXPECT_EQ(format_of("x.types"), FileFormat::Source);
}
