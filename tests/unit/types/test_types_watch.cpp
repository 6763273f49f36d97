// TypeWatch with real inotify on a scratch tree: changes are seen in directories of the search
// path that exist, and in those that appear (or go and come back) after the watch started.
#include "helpers.h"

#include "types/type_watch.h"

#include <gtest/gtest.h>

#include <poll.h>

using namespace ttbus::types;
using namespace ttbus::types::test;

namespace {

namespace fs = std::filesystem;

class TypeWatchTest : public ::testing::Test {
protected:
    void SetUp() override { dir_ = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
    void TearDown() override { fs::remove_all(dir_); }

    // What the watch reports once the changes so far have been queued (inotify queues them during
    // the system call that makes them); false also when nothing is readable.
    static bool changed(TypeWatch& w) {
        pollfd p{w.fd(), POLLIN, 0};
        if (poll(&p, 1, 0) != 1) return false;
        return w.changed();
    }

    std::string dir_;
};

TEST_F(TypeWatchTest, ExistingDirectoriesAndTheirTypeFiles) {
    fs::create_directories(dir_ + "/types");
    fs::create_directories(dir_ + "/classic");
    TypeWatch w([&] {
        return std::vector<PathEntry>{{dir_ + "/classic/db.bin", EntryKind::Database},
                                      {dir_ + "/types", EntryKind::Directory}};
    });
    ASSERT_GE(w.fd(), 0);
    EXPECT_FALSE(changed(w)) << "at rest nothing is pending";
    spit(dir_ + "/types/a.types", "ptype A { }\n");
    EXPECT_TRUE(changed(w));
    spit(dir_ + "/types/notes.txt", "not a type file");
    EXPECT_FALSE(changed(w));
    spit(dir_ + "/classic/db.bin", "named by the path");  // any name the path gives a database
    EXPECT_TRUE(changed(w));
    spit(dir_ + "/classic/other.bin", "not on the path");
    EXPECT_FALSE(changed(w));
    fs::rename(dir_ + "/types/notes.txt", dir_ + "/types/b.json");
    EXPECT_TRUE(changed(w));
    fs::remove(dir_ + "/types/a.types");
    EXPECT_TRUE(changed(w));
}

TEST_F(TypeWatchTest, DirectoriesThatAppearLater) {
    TypeWatch w([&] {
        return std::vector<PathEntry>{{dir_ + "/home/.tt/types.xdr", EntryKind::Database},
                                      {dir_ + "/data/ttbus/types", EntryKind::Directory}};
    });
    ASSERT_GE(w.fd(), 0);
    // Other directories appearing on the way change nothing.
    fs::create_directories(dir_ + "/elsewhere");
    fs::create_directories(dir_ + "/data/unrelated");
    EXPECT_FALSE(changed(w));
    // ~/.tt with its database at once (as tt_type_comp -d user does): the watch moves down and
    // reports the directory, which already has the file.
    spit(dir_ + "/home/.tt/types.xdr", "x");
    EXPECT_TRUE(changed(w));
    spit(dir_ + "/home/.tt/types.xdr.tmp", "y");  // not a type file
    EXPECT_FALSE(changed(w));
    fs::rename(dir_ + "/home/.tt/types.xdr.tmp", dir_ + "/home/.tt/types.xdr");  // the next compile
    EXPECT_TRUE(changed(w));
    // One level at a time.
    fs::create_directories(dir_ + "/data/ttbus");
    EXPECT_FALSE(changed(w));
    fs::create_directories(dir_ + "/data/ttbus/types");
    EXPECT_TRUE(changed(w));
    spit(dir_ + "/data/ttbus/types/t.json", "{}");
    EXPECT_TRUE(changed(w));
    // Gone, and back again.
    fs::remove_all(dir_ + "/data/ttbus");
    EXPECT_TRUE(changed(w));
    spit(dir_ + "/data/ttbus/types/t.types", "ptype T { }\n");
    EXPECT_TRUE(changed(w));
    spit(dir_ + "/data/ttbus/types/u.types", "ptype U { }\n");
    EXPECT_TRUE(changed(w));
}

// A TTPATH element is a database file until it is a directory, then the types.xdr in it.
TEST_F(TypeWatchTest, PathThatChangesWithTheDirectories) {
    std::string element = dir_ + "/project";
    TypeWatch w([&] {
        std::error_code ec;
        bool d = fs::is_directory(element, ec);
        return std::vector<PathEntry>{{d ? element + "/types.xdr" : element, EntryKind::Database}};
    });
    fs::create_directories(element);
    EXPECT_TRUE(changed(w));
    spit(element + "/types.xdr", "x");
    EXPECT_TRUE(changed(w));
}

}  // namespace
