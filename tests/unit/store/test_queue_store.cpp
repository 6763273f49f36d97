// The queue store on a real SQLite file: what goes in comes back, byte for byte, after reopening.
#include "store/message_codec.h"
#include "store/opened_on_use.h"
#include "store/queue_store.h"

#include "damage.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace ttbus::store {
namespace {

namespace fs = std::filesystem;

core::Queued sample(const std::string& id, bool observer_copy = false) {
    auto body = std::make_shared<core::MessageBody>();
    body->id = id;
    body->cls = core::Class::REQUEST;
    body->address = core::Address::PROCEDURE;
    body->op = "Compose";
    body->args = {{core::Mode::IN, "int", std::int32_t{-7}},
                  {core::Mode::INOUT, "bytes", std::string("\0\xff\x80zz", 5)},
                  {core::Mode::OUT, "string", {}}};
    body->contexts = {{"$PROJECT", std::string("ttbus")}};
    body->file = "/tmp/f";
    body->session = "S1";
    body->sender = "p1";
    body->uid = 1000;
    core::MessageHeader h;
    h.state = core::State::QUEUED;
    h.scope = core::Scope::SESSION;
    h.disposition = core::Disposition::QUEUE;
    h.opnum = 5;
    h.handler_ptype = "Mailer";
    h.status_string = "waiting";
    return core::Queued{{core::Scope::SESSION, "S1"}, "Mailer", {body, h}, observer_copy};
}

class QueueStoreTest : public ::testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() / ("ttbus-store-" + std::to_string(getpid()));
    fs::path path = dir / "nested" / "queue.sqlite";
    void TearDown() override { fs::remove_all(dir); }
};

TEST_F(QueueStoreTest, WhatIsPutComesBackAfterReopening) {
    std::string error;
    {
        auto store = QueueStore::open(path.string(), &error);
        ASSERT_NE(store, nullptr) << error;
        ASSERT_TRUE(store->put(sample("1 p1"), &error)) << error;
        ASSERT_TRUE(store->put(sample("2 p1", true), &error)) << error;
        ASSERT_TRUE(store->put(sample("2 p1", true), &error)) << "putting twice keeps one";
    }
    auto store = QueueStore::open(path.string(), &error);
    ASSERT_NE(store, nullptr) << error;
    std::vector<std::string> problems;
    auto loaded = store->load(&problems);
    EXPECT_TRUE(problems.empty());
    ASSERT_EQ(loaded.size(), 2u);
    const core::Queued expected = sample("1 p1");
    EXPECT_EQ(loaded[0].queue, expected.queue);
    EXPECT_EQ(loaded[0].ptype, "Mailer");
    EXPECT_FALSE(loaded[0].observer_copy);
    EXPECT_TRUE(loaded[1].observer_copy);
    EXPECT_EQ(loaded[0].message->args, expected.message->args) << "bytes with NUL and high bytes survive";
    EXPECT_EQ(loaded[0].message->contexts, expected.message->contexts);
    EXPECT_EQ(loaded[0].message.header.opnum, 5);
    EXPECT_EQ(loaded[0].message.header.status_string, "waiting");
    EXPECT_EQ(loaded[0].message->uid, 1000u);

    ASSERT_TRUE(store->remove(core::Dequeued{{core::Scope::SESSION, "S1"}, "Mailer", "1 p1"}, &error)) << error;
    EXPECT_EQ(store->load(nullptr).size(), 1u);
    ASSERT_TRUE(store->drop_session("S1", &error)) << error;
    EXPECT_TRUE(store->load(nullptr).empty());
}

// The broker's queue store is opened when first needed and, holding nothing at exit, removed.
TEST_F(QueueStoreTest, OpenedOnUseAndRemovedWhenEmpty) {
    int opened = 0;
    OpenedOnUse<QueueStore> store(path.string(), [&](const std::string& p, const QueueStore* s, const std::string& error,
                                                      const std::optional<Salvage>& salvaged) {
        ++opened;
        EXPECT_EQ(p, path.string());
        EXPECT_NE(s, nullptr) << error;
        EXPECT_FALSE(salvaged);
    });
    EXPECT_FALSE(store.on_disk());
    EXPECT_EQ(store.if_open(), nullptr);
    EXPECT_FALSE(fs::exists(path)) << "nothing made before a use";
    std::string error;
    ASSERT_NE(store.get(), nullptr);
    EXPECT_TRUE(store.get()->empty());
    ASSERT_TRUE(store.get()->put(sample("1 p1"), &error)) << error;
    EXPECT_FALSE(store.get()->empty());
    EXPECT_EQ(opened, 1) << "opened once";
    EXPECT_TRUE(store.on_disk());
    store.remove_if_empty();
    ASSERT_TRUE(fs::exists(path)) << "a store holding a message stays";
    ASSERT_NE(store.if_open(), nullptr);
    ASSERT_TRUE(store.get()->remove(core::Dequeued{{core::Scope::SESSION, "S1"}, "Mailer", "1 p1"}, &error)) << error;
    EXPECT_TRUE(store.get()->empty());
    store.remove_if_empty();
    EXPECT_EQ(store.if_open(), nullptr);
    for (const char* suffix : {"", "-wal", "-shm"}) EXPECT_FALSE(fs::exists(path.string() + suffix)) << suffix;
    EXPECT_FALSE(store.on_disk());
    ASSERT_NE(store.get(), nullptr) << "a later use makes it again";
    EXPECT_TRUE(fs::exists(path));
    EXPECT_EQ(opened, 2);

    // With no path there is no store, and nothing is tried.
    OpenedOnUse<QueueStore> none("", [&](auto&&...) { ++opened; });
    EXPECT_EQ(none.get(), nullptr);
    EXPECT_FALSE(none.on_disk());
    EXPECT_EQ(opened, 2);
}

TEST_F(QueueStoreTest, AnUnreadableEntryIsReportedAndSkipped) {
    std::string error;
    auto store = QueueStore::open(path.string(), &error);
    ASSERT_NE(store, nullptr) << error;
    ASSERT_TRUE(store->put(sample("good"), &error));
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "INSERT INTO queued (scope, queue, ptype, id, observer_copy, message) "
                               "VALUES (1, 'S1', 'Mailer', 'bad', 0, '{not json')", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    std::vector<std::string> problems;
    auto loaded = store->load(&problems);
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0].message->id, "good");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("bad"), std::string::npos);
}

TEST_F(QueueStoreTest, ADamagedFileIsMovedAsideAndWhatIsReadableRecovered) {
    constexpr int total = 300;
    std::string error;
    {
        auto store = QueueStore::open(path.string(), &error);
        ASSERT_NE(store, nullptr) << error;
        for (int i = 0; i < total; ++i) ASSERT_TRUE(store->put(sample(std::to_string(i) + " p1"), &error)) << error;
    }
    int page = middle_table_leaf(path, "queued");
    ASSERT_GT(page, 1);
    overwrite(path, static_cast<std::size_t>(page - 1) * 4096 + 100, 3000);

    std::optional<Salvage> salvaged;
    auto store = QueueStore::open(path.string(), &error, &salvaged);
    ASSERT_NE(store, nullptr) << error;
    expect_salvaged(salvaged, path, total);
    if (HasFatalFailure()) return;

    std::vector<std::string> problems;
    auto loaded = store->load(&problems);
    EXPECT_EQ(loaded.size(), salvaged->recovered);
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(loaded.back().message->id, std::to_string(total - 1) + " p1") << "the last row is behind the damage";
    store.reset();

    salvaged.reset();
    ASSERT_NE(QueueStore::open(path.string(), &error, &salvaged), nullptr) << error;
    EXPECT_FALSE(salvaged) << "the fresh file is sound";
}

TEST_F(QueueStoreTest, AFileThatIsNoDatabaseIsMovedAsideAndReplaced) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << std::string(8192, 'x');
    std::string error;
    std::optional<Salvage> salvaged;
    auto store = QueueStore::open(path.string(), &error, &salvaged);
    ASSERT_NE(store, nullptr) << error;
    ASSERT_TRUE(salvaged);
    EXPECT_EQ(salvaged->recovered, 0u);
    EXPECT_FALSE(salvaged->lost) << "how many it held is not known";
    EXPECT_EQ(fs::file_size(salvaged->moved_to), 8192u) << "the damaged file is kept as it was";
    EXPECT_TRUE(store->put(sample("1 p1"), &error)) << error;
}

TEST(MessageCodec, RejectsWhatItDidNotWrite) {
    std::string error;
    EXPECT_FALSE(decode_message("[]", &error));
    EXPECT_FALSE(error.empty());
    std::string text = encode_message(sample("x").message);
    auto pos = text.find("\"class\":2");
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, 9, "\"class\":9");
    EXPECT_FALSE(decode_message(text, &error)) << "out-of-range enum";
    // Numbers must be integers in their field's range (a float was converted with an undefined
    // cast, a negative uid wrapped).
    const std::string good = encode_message(sample("x").message);
    for (const char* bad : {"\"uid\":1e+20", "\"uid\":-1", "\"uid\":4294967296", "\"uid\":1000.5"}) {
        std::string t = good;
        t.replace(t.find("\"uid\":1000"), 10, bad);
        EXPECT_FALSE(decode_message(t, &error)) << bad;
    }
    EXPECT_TRUE(decode_message(good, &error)) << error;
}

TEST(QueueStorePath, FollowsXdgStateHome) {
    setenv("XDG_STATE_HOME", "/somewhere/state", 1);
    EXPECT_EQ(default_queue_store_path(), "/somewhere/state/ttbus/queue.sqlite");
}

}  // namespace
}  // namespace ttbus::store
