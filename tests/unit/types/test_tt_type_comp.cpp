// tt_type_comp end to end: the built binary, run as a process with its own environment.
#include "helpers.h"

#include "types/database.h"

#include <gtest/gtest.h>

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>

using namespace ttbus::types;
using namespace ttbus::types::test;

namespace {

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

class TtTypeComp : public ::testing::Test {
protected:
    void SetUp() override {
        const char* bin = std::getenv("TT_TYPE_COMP");
        ASSERT_NE(bin, nullptr) << "TT_TYPE_COMP must name the built binary";
        bin_ = bin;
        dir_ = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_ + "/home");
        env_ = {"HOME=" + dir_ + "/home", "XDG_DATA_HOME=" + dir_ + "/xdg", "XDG_DATA_DIRS=" + dir_ + "/sys",
                "PATH=/usr/bin:/bin", "OPENWINHOME=" + dir_ + "/ow"};
    }

    Outcome run(std::vector<std::string> args, const std::string& stdin_file = "/dev/null") {
        args.insert(args.begin(), bin_);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& e : env_) envp.push_back(e.data());
        envp.push_back(nullptr);
        std::string out = dir_ + "/.out", err = dir_ + "/.err";
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, stdin_file.c_str(), O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        std::string cwd = dir_;
        pid_t pid = 0;
        Outcome r;
        // Outcome in the scratch directory, so relative outputs land there.
        std::filesystem::path old = std::filesystem::current_path();
        std::filesystem::current_path(cwd);
        int rc = posix_spawn(&pid, bin_.c_str(), &fa, nullptr, argv.data(), envp.data());
        std::filesystem::current_path(old);
        posix_spawn_file_actions_destroy(&fa);
        EXPECT_EQ(rc, 0);
        int status = 0;
        waitpid(pid, &status, 0);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }

    std::string user_db() const { return dir_ + "/home/.tt/types.xdr"; }
    TypeSet read(const std::string& path) {
        FileTypes f = read_type_file(path, CppOptions{}, {});
        EXPECT_TRUE(f.ok());
        return f.types;
    }

    std::string bin_, dir_;
    std::vector<std::string> env_;
};

}  // namespace

TEST_F(TtTypeComp, MergesIntoTheUserDatabaseByDefault) {
    spit(dir_ + "/a.types", "ptype A { start \"a1\"; handle: Op(); }\n");
    Outcome r = run({dir_ + "/a.types"});
    EXPECT_EQ(r.status, 0) << r.err;
    TypeSet db = read(user_db());
    ASSERT_NE(db.find_ptype("A"), nullptr);

    spit(dir_ + "/a2.types", "ptype A { start \"a2\"; }\nptype B { }\n");
    EXPECT_EQ(run({"-M", dir_ + "/a2.types"}).status, 0);  // keep existing A
    EXPECT_EQ(read(user_db()).find_ptype("A")->start, "a1");
    EXPECT_NE(read(user_db()).find_ptype("B"), nullptr);
    EXPECT_EQ(run({"-m", dir_ + "/a2.types"}).status, 0);  // overwrite
    EXPECT_EQ(read(user_db()).find_ptype("A")->start, "a2");
}

TEST_F(TtTypeComp, ClassicBuildRecipeWithTtpathAndClusteredOptions) {
    // CDE's build: TTPATH=. tt_type_comp -sd user -m <file>
    env_.push_back("TTPATH=.");
    spit(dir_ + "/x.types", "ptype X { }\n");
    Outcome r = run({"-sd", "user", "-m", "x.types"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(read(dir_ + "/types.xdr").find_ptype("X"), nullptr);
}

TEST_F(TtTypeComp, Remove) {
    spit(dir_ + "/a.types", "ptype A { }\nptype B { }\notype O { }\n");
    ASSERT_EQ(run({dir_ + "/a.types"}).status, 0);
    Outcome r = run({"-r", "A", "O", "Nope"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.err.find("Nope: no such ptype or otype"), std::string::npos);
    TypeSet db = read(user_db());
    EXPECT_EQ(db.find_ptype("A"), nullptr);
    EXPECT_EQ(db.find_otype("O"), nullptr);
    EXPECT_NE(db.find_ptype("B"), nullptr);
    EXPECT_EQ(run({"-s", "-r", "Nope"}).err, "");
}

TEST_F(TtTypeComp, PrintsAndListsAFile) {
    std::string xdr = data_dir() + "/desktop.xdr";
    Outcome p = run({"-p", xdr});
    EXPECT_EQ(p.status, 0);
    EXPECT_EQ(p.out, slurp(data_dir() + "/desktop.printed.txt"));
    EXPECT_EQ(run({"-P", xdr}).out, "Example_Editor\nExample_Debugger\nExample_Mail_Tool\n");
    EXPECT_EQ(run({"-O", xdr}).out, "Example_Document\nExample_Report\n");
    EXPECT_EQ(run({"-p", "-"}, data_dir() + "/tiny.xdr").out, slurp(data_dir() + "/tiny.printed.txt"));
}

TEST_F(TtTypeComp, PrintsTheMergedPathOrOneLevel) {
    spit(dir_ + "/u.types", "ptype User_Type { }\n");
    ASSERT_EQ(run({dir_ + "/u.types"}).status, 0);
    spit(dir_ + "/sys/ttbus/types/shipped.types", "ptype Shipped { }\n");
    spit(dir_ + "/ow/etc/tt/types.xdr", slurp(data_dir() + "/tiny.xdr"));
    Outcome all = run({"-P"});
    EXPECT_EQ(all.out, "Shipped\nTiny_Tool\nUser_Type\n");
    EXPECT_EQ(run({"-P", "-d", "user"}).out, "User_Type\n");
    EXPECT_EQ(run({"-P", "-d", "network"}).out, "Tiny_Tool\n");
}

TEST_F(TtTypeComp, CompilesToAFile) {
    std::string src = dir_ + "/desktop.types";
    spit(src, slurp(data_dir() + "/desktop.types"));
    EXPECT_EQ(run({"-x", src}).status, 0);
    EXPECT_EQ(slurp(src + ".xdr"), slurp(data_dir() + "/desktop.xdr"));
    EXPECT_EQ(run({"-x", "-o", dir_ + "/out.xdr", src}).status, 0);
    EXPECT_EQ(slurp(dir_ + "/out.xdr"), slurp(data_dir() + "/desktop.xdr"));
    Outcome to_stdout = run({"-x", "-o", "-", src});
    EXPECT_EQ(to_stdout.out, slurp(data_dir() + "/desktop.xdr"));
    EXPECT_EQ(run({"-x", "-"}, src).status, 0);  // stdin goes to types.xdr
    EXPECT_EQ(slurp(dir_ + "/types.xdr"), slurp(data_dir() + "/desktop.xdr"));
    // JSON by name, and JSON back to the classic bytes.
    EXPECT_EQ(run({"-x", "-o", dir_ + "/d.json", src}).status, 0);
    EXPECT_EQ(run({"-x", "-o", dir_ + "/d2.xdr", dir_ + "/d.json"}).status, 0);
    EXPECT_EQ(slurp(dir_ + "/d2.xdr"), slurp(data_dir() + "/desktop.xdr"));
}

TEST_F(TtTypeComp, PassesCppOptions) {
    spit(dir_ + "/m.types", "ptype M { start BIN; handle: Op() => opnum = N; }\n");
    Outcome r = run({"-DBIN=\\\"/bin/m\\\"", "-D", "N=5", "-undef", "-x", "-o", dir_ + "/m.json", dir_ + "/m.types"});
    EXPECT_EQ(r.status, 0) << r.err;
    TypeSet t = read(dir_ + "/m.json");
    EXPECT_EQ(t.ptypes[0].start, "/bin/m");
    EXPECT_EQ(t.ptypes[0].signatures[0].opnum, 5);
    spit(dir_ + "/u.types", "#ifdef GONE\nptype Gone { }\n#endif\nptype Kept { }\n");
    EXPECT_EQ(run({"-DGONE", "-UGONE", "-x", "-o", dir_ + "/u.json", dir_ + "/u.types"}).status, 0);
    EXPECT_EQ(read(dir_ + "/u.json").find_ptype("Gone"), nullptr);
}

// CDE's edit_demo Makefile: tt_type_comp '-DTOOLTALK_DEMO_DIR=\"/some/dir\"' edit.types.model. The
// shell of the Makefile leaves the backslashes, which classic's own trip through the shell took off.
TEST_F(TtTypeComp, CppOptionsLoseOneLevelOfShellQuotesAsClassic) {
    spit(dir_ + "/edit.types.model",
         "#define SUN_EDITDEMO_EDIT 1\n#define SUN_EDITDEMO_SAVE_AS 2\n"
         "ptype Sun_EditDemo {\n"
         "    start TOOLTALK_DEMO_DIR \"/edit\";\n"
         "    handle:\n"
         "        file_in_session Sun_EditDemo_edit(void) => start opnum=SUN_EDITDEMO_EDIT;\n"
         "        file_in_session Sun_EditDemo_save_as(in string new_filename) => opnum=SUN_EDITDEMO_SAVE_AS;\n"
         "};\n");
    Outcome r = run({"-DTOOLTALK_DEMO_DIR=\\\"/some/dir\\\"", "edit.types.model"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read(user_db()).find_ptype("Sun_EditDemo")->start, "/some/dir/edit");
    Outcome printed = run({"-p", "-d", "user"});
    EXPECT_NE(printed.out.find("start   \"/some/dir/edit\";\n"), std::string::npos) << printed.out;

    // Single quotes, double quotes and a backslash outside quotes, as sh takes them off.
    spit(dir_ + "/q.types", "ptype Q { start A B C; }\n");
    r = run({"-DA='\"a b\"'", "-DB=\"\\\"c\\\"\"", "-DC=\\\"d\\ e\\\"", "-x", "-o", "q.json", "q.types"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read(dir_ + "/q.json").find_ptype("Q")->start, "a bcd e");
    // An unquoted blank splits the option, as in the shell: two options here (X is "x, Y is y")...
    spit(dir_ + "/two.types", "ptype T { start X Y; }\n");
    r = run({"-DX=\\\"x -DY=y\\\"", "-x", "-o", "two.json", "two.types"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read(dir_ + "/two.json").find_ptype("T")->start, "x y");
    // ...but a piece that is no option (classic gave it to cpp as a file) and an open quote are usage errors.
    r = run({"-DX=a b", "-x", "two.types"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("'b' is not an option"), std::string::npos) << r.err;
    r = run({"-DX='a", "-x", "two.types"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("unterminated '"), std::string::npos) << r.err;
}

TEST_F(TtTypeComp, ErrorsExitTwoAndLeaveTheDatabaseAlone) {
    spit(dir_ + "/a.types", "ptype A { }\n");
    ASSERT_EQ(run({dir_ + "/a.types"}).status, 0);
    std::string before = slurp(user_db());
    spit(dir_ + "/bad.types", "ptype B {\n  handle: Op(in int);\n}\n");
    Outcome r = run({dir_ + "/bad.types"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(dir_ + "/bad.types:2:20: error: syntax error: expected an argument name after the vtype"),
              std::string::npos)
        << r.err;
    spit(dir_ + "/sem.types", "otype O : Missing { }\n");
    Outcome s = run({"-s", dir_ + "/sem.types"});
    EXPECT_EQ(s.status, 2);
    EXPECT_NE(s.err.find("parent otype 'Missing', which is not defined"), std::string::npos);
    EXPECT_EQ(slurp(user_db()), before);
    EXPECT_EQ(run({"-x", dir_ + "/bad.types"}).status, 2);
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/bad.types.xdr"));
}

TEST_F(TtTypeComp, SourcesMayReferToTheDatabase) {
    spit(dir_ + "/base.types", "ptype Impl { }\notype Base { handle: Op() => Impl; }\n");
    ASSERT_EQ(run({dir_ + "/base.types"}).status, 0);
    spit(dir_ + "/derived.types", "otype Derived : Base { handle: Op() => from Base; }\n");
    Outcome r = run({dir_ + "/derived.types"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(read(user_db()).find_otype("Derived"), nullptr);
}

TEST_F(TtTypeComp, DatabaseErrorsExitThree) {
    spit(user_db(), "garbage!");
    spit(dir_ + "/a.types", "ptype A { }\n");
    Outcome r = run({dir_ + "/a.types"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find(user_db() + ": error: type database version"), std::string::npos) << r.err;
    EXPECT_EQ(run({"-p", user_db()}).status, 3);
    EXPECT_EQ(slurp(user_db()), "garbage!");
    spit(dir_ + "/home/.tt/.tt_lock", "");
    std::filesystem::remove(user_db());
    // The held lock makes the write fail after the classic retries; too slow to wait for here, so
    // check an unwritable location instead.
    std::filesystem::remove(dir_ + "/home/.tt/.tt_lock");
    env_.push_back("TTPATH=/proc/no-such-dir/types.xdr");
    EXPECT_EQ(run({dir_ + "/a.types"}).status, 3);
}

TEST_F(TtTypeComp, XdgLevelKeepsTtbusOnlyFields) {
    spit(dir_ + "/v.json", R"({"format":"ttbus-types","version":1,
        "ptypes":[{"id":"V","unit":"v.service","x-dbus":{"ops":{}}}]})");
    Outcome to_user = run({dir_ + "/v.json"});
    EXPECT_EQ(to_user.status, 0);
    EXPECT_NE(to_user.err.find("cannot be stored in"), std::string::npos);
    EXPECT_EQ(run({"-d", "xdg", dir_ + "/v.json"}).status, 0);
    TypeSet t = read(dir_ + "/xdg/ttbus/types/types.json");
    EXPECT_EQ(t.ptypes[0].unit, "v.service");
    EXPECT_EQ(t.ptypes[0].extensions, R"({"x-dbus":{"ops":{}}})");
}

TEST_F(TtTypeComp, UsageVersionHelpAndGc) {
    EXPECT_EQ(run({"-q"}).status, 1);
    EXPECT_EQ(run({"-d", "everywhere", "x.types"}).status, 1);
    EXPECT_EQ(run({"-d"}).status, 1);
    EXPECT_EQ(run({"-p", "-x"}).status, 1);
    EXPECT_EQ(run({"-E", "-p"}).status, 1);
    EXPECT_EQ(run({"a.types", "b.types"}).status, 1);
    EXPECT_EQ(run({"-r"}).status, 1);
    Outcome v = run({"-v"});
    EXPECT_EQ(v.status, 0);
    EXPECT_NE(v.out.find("tt_type_comp (ttbus)"), std::string::npos);
    Outcome h = run({"-h"});
    EXPECT_EQ(h.status, 0);
    EXPECT_NE(h.out.find("Usage:"), std::string::npos);
    Outcome g = run({"-G"});
    EXPECT_EQ(g.status, 0);
    EXPECT_NE(g.out.find("not applicable"), std::string::npos);
    EXPECT_EQ(run({"--version"}).out, v.out);
    EXPECT_EQ(run({"--help"}).out, h.out);
}

// A usage error: one line naming the mistake, the hint to --help, classic's status 1.
TEST_F(TtTypeComp, UsageErrorIsOneLineAndAHint) {
    for (std::vector<std::string> bad : {std::vector<std::string>{"-q"}, {"--bogus"}, {"-d"}, {"-p", "-x"}, {"-r"}}) {
        Outcome r = run(bad);
        EXPECT_EQ(r.status, 1) << bad[0];
        EXPECT_EQ(r.out, "") << bad[0];
        EXPECT_TRUE(r.err.starts_with("tt_type_comp: ")) << r.err;
        EXPECT_TRUE(r.err.ends_with("\nTry 'tt_type_comp --help'.\n")) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
    }
}

// On the search path a missing file holds no types; named on the command line it is a mistake.
TEST_F(TtTypeComp, NamedFilesMustExist) {
    std::string missing = dir_ + "/nonexistent.types";
    Outcome p = run({"-p", missing});
    EXPECT_EQ(p.status, 3);
    EXPECT_NE(p.err.find(missing + ": No such file or directory"), std::string::npos) << p.err;
    for (const char* action : {"-O", "-P"}) EXPECT_EQ(run({action, missing}).status, 3);
    Outcome x = run({"-x", missing});
    EXPECT_EQ(x.status, 2);
    EXPECT_NE(x.err.find(missing), std::string::npos) << x.err;
    EXPECT_FALSE(std::filesystem::exists(missing + ".xdr"));
    Outcome m = run({missing});
    EXPECT_EQ(m.status, 2);
    EXPECT_NE(m.err.find(missing), std::string::npos) << m.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/home/.tt/types.xdr"));
}
