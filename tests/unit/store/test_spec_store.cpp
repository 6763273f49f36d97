// The spec store on a real SQLite file: specs, their properties (strings, bytes, several values),
// moving, copying and destroying a file's specs, a restart, a damaged file; and the engine
// addressing TT_OBJECT messages through it.
#include "store/spec_store.h"

#include "core/fixture.h"
#include "damage.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ttbus::store {
namespace {

namespace fs = std::filesystem;

class SpecStoreTest : public ::testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() / ("ttbus-specs-" + std::to_string(getpid()));
    fs::path path = dir / "state" / "specs.sqlite";
    std::string error;
    std::unique_ptr<SpecStore> store;
    void SetUp() override {
        store = SpecStore::open(path.string(), &error);
        ASSERT_NE(store, nullptr) << error;
    }
    void TearDown() override { fs::remove_all(dir); }
    Spec make(const std::string& objid, const std::string& file, std::vector<SpecProperty> props = {}) {
        return Spec{objid, file, "Doc", std::move(props)};
    }
    Spec get(const std::string& objid) {
        Spec s;
        EXPECT_EQ(store->find(objid, &s, &error), Status::OK) << objid << ": " << error;
        return s;
    }
    std::vector<std::string> objects(const std::string& file) {
        std::vector<std::string> out;
        EXPECT_EQ(store->objects(file, &out, &error), Status::OK) << error;
        return out;
    }
};

TEST_F(SpecStoreTest, TheFileIsPrivate) {
    struct stat st{};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(path.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(SpecStoreTest, ASpecComesBackWithItsPropertiesInOrder) {
    const std::string bytes("\0\xff\x80z", 4);
    ASSERT_EQ(store->create(make("o1", "/d/f", {{".Name", {"first"}}, {"colours", {"red", "green", bytes}}}), &error),
              Status::OK)
        << error;
    Spec s = get("o1");
    EXPECT_EQ(s.file, "/d/f");
    EXPECT_EQ(s.otype, "Doc");
    ASSERT_EQ(s.props.size(), 2u);
    EXPECT_EQ(s.props[0].name, ".Name");
    EXPECT_EQ(s.props[1].name, "colours");
    EXPECT_EQ(s.props[1].values, (std::vector<std::string>{"red", "green", bytes})) << "byte values with NUL survive";
    EXPECT_EQ(store->create(make("o1", "/d/g"), &error), Status::ERR_INVALID) << "an objid is never reused";
    EXPECT_EQ(get("o1").file, "/d/f") << "and the refused create changed nothing";
}

TEST_F(SpecStoreTest, WritingReplacesNamedPropertiesAndKeepsTheirPlace) {
    ASSERT_EQ(store->create(make("o1", "/f", {{"a", {"1"}}, {"b", {"2", "3"}}, {"c", {"4"}}}), &error), Status::OK);
    ASSERT_EQ(store->write("o1", "Report", {{"a", {"x", "y"}}, {"b", {}}, {"d", {"new"}}}, &error), Status::OK)
        << error;
    Spec s = get("o1");
    EXPECT_EQ(s.otype, "Report");
    ASSERT_EQ(s.props.size(), 3u);
    EXPECT_EQ(s.props[0].name, "a");
    EXPECT_EQ(s.props[0].values, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(s.props[1].name, "c") << "b had its values removed";
    EXPECT_EQ(s.props[2].name, "d") << "a new name comes last";
    ASSERT_EQ(store->write("o1", "", {}, &error), Status::OK);
    EXPECT_EQ(get("o1").otype, "Report") << "an empty otype leaves it";
    EXPECT_EQ(store->write("nope", "Doc", {{"a", {"1"}}}, &error), Status::ERR_OBJID);
}

TEST_F(SpecStoreTest, DestroyAndMoveOfOneSpec) {
    ASSERT_EQ(store->create(make("o1", "/f", {{"a", {"1"}}}), &error), Status::OK);
    ASSERT_EQ(store->create(make("o2", "/f"), &error), Status::OK);
    EXPECT_EQ(objects("/f"), (std::vector<std::string>{"o1", "o2"}));
    ASSERT_EQ(store->move("o2", "/g", &error), Status::OK);
    EXPECT_EQ(objects("/f"), (std::vector<std::string>{"o1"}));
    EXPECT_EQ(objects("/g"), (std::vector<std::string>{"o2"}));
    ASSERT_EQ(store->destroy("o1", &error), Status::OK);
    Spec gone;
    EXPECT_EQ(store->find("o1", &gone, &error), Status::ERR_OBJID);
    EXPECT_EQ(store->destroy("o1", &error), Status::ERR_OBJID);
    EXPECT_EQ(store->move("o1", "/g", &error), Status::ERR_OBJID);
    EXPECT_TRUE(objects("/f").empty());
    // Its properties went with it: a new spec of the same id (only possible here) starts bare.
    ASSERT_EQ(store->create(make("o1", "/f"), &error), Status::OK);
    EXPECT_TRUE(get("o1").props.empty());
}

TEST_F(SpecStoreTest, FileMoveCarriesTheSpecsOfAFileAndOfWhatIsUnderIt) {
    ASSERT_EQ(store->create(make("o1", "/d/f"), &error), Status::OK);
    ASSERT_EQ(store->create(make("o2", "/d/sub/g"), &error), Status::OK);
    ASSERT_EQ(store->create(make("o3", "/dd/h"), &error), Status::OK);  // not under /d
    ASSERT_EQ(store->create(make("o4", "/d%/x"), &error), Status::OK);  // '%' is no wildcard
    ASSERT_EQ(store->move_file("/d", "/e", &error), Status::OK) << error;
    EXPECT_EQ(get("o1").file, "/e/f");
    EXPECT_EQ(get("o2").file, "/e/sub/g");
    EXPECT_EQ(get("o3").file, "/dd/h");
    EXPECT_EQ(get("o4").file, "/d%/x");
    ASSERT_EQ(store->move_file("/e/f", "/e/f2", &error), Status::OK);
    EXPECT_EQ(objects("/e/f2"), (std::vector<std::string>{"o1"}));
    EXPECT_EQ(get("o2").file, "/e/sub/g");
}

TEST_F(SpecStoreTest, FileCopyMakesNewSpecsWithTheSameContents) {
    ASSERT_EQ(store->create(make("o1", "/f", {{"p", {"v1", "v2"}}, {"q", {std::string("\0", 1)}}}), &error),
              Status::OK);
    ASSERT_EQ(store->copy_file("/f", "/g", &error), Status::OK) << error;
    EXPECT_EQ(objects("/f"), (std::vector<std::string>{"o1"}));
    auto copies = objects("/g");
    ASSERT_EQ(copies.size(), 1u);
    EXPECT_NE(copies[0], "o1");
    EXPECT_EQ(copies[0].rfind("ttbus:", 0), 0u);
    Spec original = get("o1"), copy = get(copies[0]);
    EXPECT_EQ(copy.otype, original.otype);
    ASSERT_EQ(copy.props.size(), 2u);
    EXPECT_EQ(copy.props[0].values, original.props[0].values);
    EXPECT_EQ(copy.props[1].values, original.props[1].values);
    ASSERT_EQ(store->write(copies[0], "", {{"p", {"changed"}}}, &error), Status::OK);
    EXPECT_EQ(get("o1").props[0].values, (std::vector<std::string>{"v1", "v2"})) << "the copy is separate";
}

TEST_F(SpecStoreTest, FileDestroyDropsTheSpecsOfAFileAndOfWhatIsUnderIt) {
    ASSERT_EQ(store->create(make("o1", "/d/f", {{"p", {"v"}}}), &error), Status::OK);
    ASSERT_EQ(store->create(make("o2", "/d/sub/g"), &error), Status::OK);
    ASSERT_EQ(store->create(make("o3", "/dx"), &error), Status::OK);
    ASSERT_EQ(store->destroy_file("/d", &error), Status::OK);
    EXPECT_FALSE(store->object("o1"));
    EXPECT_FALSE(store->object("o2"));
    EXPECT_TRUE(store->object("o3"));
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM props", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 0) << "no property is left behind";
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_F(SpecStoreTest, SpecsSurviveARestart) {
    ASSERT_EQ(store->create(make("o1", "/f", {{"p", {"v"}}}), &error), Status::OK);
    store.reset();  // written before the call returned: nothing is flushed at close
    store = SpecStore::open(path.string(), &error);
    ASSERT_NE(store, nullptr) << error;
    Spec s = get("o1");
    EXPECT_EQ(s.file, "/f");
    ASSERT_EQ(s.props.size(), 1u);
    EXPECT_EQ(s.props[0].values[0], "v");
    auto o = store->object("o1");
    ASSERT_TRUE(o);
    EXPECT_EQ(o->otype, "Doc");
    EXPECT_EQ(o->file, "/f");
}

TEST_F(SpecStoreTest, ADamagedFileIsMovedAsideAndWhatIsReadableRecovered) {
    constexpr int total = 400;
    for (int i = 0; i < total; ++i) {
        ASSERT_EQ(store->create(make("o" + std::to_string(i), "/file/with/a/long/enough/name/" + std::to_string(i)),
                                &error),
                  Status::OK);
    }
    store.reset();
    int page = middle_table_leaf(path, "specs");
    ASSERT_GT(page, 1);
    overwrite(path, static_cast<std::size_t>(page - 1) * 4096 + 100, 3000);

    std::optional<Salvage> salvaged;
    store = SpecStore::open(path.string(), &error, &salvaged);
    ASSERT_NE(store, nullptr) << error;
    expect_salvaged(salvaged, path, total);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(store->object("o" + std::to_string(total - 1))) << "the last spec is behind the damage";
    ASSERT_EQ(store->create(make("new", "/f"), &error), Status::OK) << "the fresh file is usable";
}

TEST_F(SpecStoreTest, AFileThatIsNoDatabaseIsMovedAsideAndReplaced) {
    store.reset();
    fs::remove(path);
    std::ofstream(path) << std::string(8192, 'x');
    std::optional<Salvage> salvaged;
    store = SpecStore::open(path.string(), &error, &salvaged);
    ASSERT_NE(store, nullptr) << error;
    ASSERT_TRUE(salvaged);
    EXPECT_EQ(salvaged->recovered, 0u);
    EXPECT_EQ(fs::file_size(salvaged->moved_to), 8192u);
    EXPECT_EQ(store->create(make("o1", "/f"), &error), Status::OK);
}

// The engine addresses TT_OBJECT messages through the store (core::SpecLookup).
class ObjectAddressing : public core::test::EngineTest {
protected:
    fs::path dir = fs::temp_directory_path() / ("ttbus-objects-" + std::to_string(getpid()));
    std::unique_ptr<SpecStore> store;
    std::string error;
    void SetUp() override {
        EngineTest::SetUp();
        store = SpecStore::open((dir / "specs.sqlite").string(), &error);
        ASSERT_NE(store, nullptr) << error;
        engine.set_specs(store.get());
        core::Ptype editor;
        editor.id = "Editor";
        editor.start = "editor";
        core::Otype doc;
        doc.id = "Doc";
        core::Signature hilite = core::test::sig(core::Category::HANDLE, core::Scope::FILE_IN_SESSION, "Hilite", {},
                                     core::Disposition::START, 7);
        hilite.ptype = "Editor";
        doc.signatures.push_back(hilite);
        core::Signature keep = core::test::sig(core::Category::HANDLE, core::Scope::SESSION, "Keep", {},
                                               core::Disposition::QUEUE, 8);
        keep.ptype = "Editor";
        doc.signatures.push_back(keep);
        core::Otype report;  // derives from Doc and handles Keep itself
        report.id = "Report";
        report.parents = {"Doc"};
        core::Signature own = core::test::sig(core::Category::HANDLE, core::Scope::SESSION, "Keep", {},
                                              core::Disposition::QUEUE, 9);
        own.ptype = "Editor";
        own.super_otype = "Doc";
        report.signatures.push_back(own);
        load({editor}, {doc, report});
        ASSERT_EQ(store->create(Spec{"obj", "/docs/a", "Doc", {}}, &error), Status::OK);
        ASSERT_EQ(store->create(Spec{"rep", "/docs/r", "Report", {}}, &error), Status::OK);
        sender = open();
        fx.clear();
    }
    void TearDown() override { fs::remove_all(dir); }
    core::Message object_request(const std::string& op, const std::string& objid = "obj") {
        core::Message m = core::test::make_message(core::Class::REQUEST, core::Scope::NONE, op, core::Address::OBJECT);
        m.body.object = objid;
        return m;
    }
    std::string sender;
};

TEST_F(ObjectAddressing, AnUnknownObjidIsRefusedAtSend) {
    std::string id;
    EXPECT_EQ(engine.send(sender, object_request("Hilite", "nope"), fx, &id), core::Status::ERR_OBJID);
    EXPECT_TRUE(fx.empty()) << "nothing happens";
    core::Message m = object_request("Hilite", "nope");
    m.body.otype = "Doc";
    EXPECT_EQ(engine.send(sender, m, fx, &id), core::Status::ERR_OBJID) << "a named otype does not excuse it";
}

// Facts §5.2 in order: the class, the address, then what the address needs: an objid for
// TT_OBJECT (the otype comes from its spec), an otype for TT_OTYPE.
TEST_F(ObjectAddressing, SendChecksComeInClassicOrder) {
    std::string id;
    core::Message m = object_request("Hilite", "");
    m.body.cls = core::Class::UNDEFINED;
    EXPECT_EQ(engine.send(sender, m, fx, &id), core::Status::ERR_CLASS);
    m.body.cls = core::Class::REQUEST;
    EXPECT_EQ(engine.send(sender, m, fx, &id), core::Status::ERR_OBJID) << "no objid, no otype: the objid is missing";
    m.body.address = core::Address::OTYPE;
    EXPECT_EQ(engine.send(sender, m, fx, &id), core::Status::ERR_OTYPE);
    EXPECT_TRUE(fx.empty());
    core::SendForm form{core::Class::REQUEST, core::Address::OBJECT};
    form.has_object = true;
    EXPECT_EQ(core::check_send_form(form), core::Status::OK) << "libtt's check asks for no otype";
}

TEST_F(ObjectAddressing, TheSpecGivesTheOtypeAndFileAndAHandlerJoinedToTheFileGetsIt) {
    std::string handler = open();
    ASSERT_EQ(engine.ptype_declare(handler, "Editor", fx), core::Status::OK);
    ASSERT_EQ(engine.session_join(handler, "S1", fx), core::Status::OK);
    ASSERT_EQ(engine.file_join(handler, "/docs/a", fx), core::Status::OK);
    fx.clear();
    send(sender, object_request("Hilite"));
    ASSERT_EQ(deliveries_to(handler).size(), 1u);
    const auto d = deliveries_to(handler)[0].message;
    EXPECT_EQ(d->otype, "Doc");
    EXPECT_EQ(d->file, "/docs/a");
    EXPECT_EQ(d.header.opnum, 7);
    EXPECT_EQ(d.header.scope, core::Scope::FILE_IN_SESSION);
}

TEST_F(ObjectAddressing, AHandlerNotJoinedToTheFileDoesNotGetItAndTheOtypesPtypeIsStarted) {
    std::string other = open();
    ASSERT_EQ(engine.ptype_declare(other, "Editor", fx), core::Status::OK);
    ASSERT_EQ(engine.session_join(other, "S1", fx), core::Status::OK);
    ASSERT_EQ(engine.file_join(other, "/docs/b", fx), core::Status::OK);
    fx.clear();
    send(sender, object_request("Hilite"));
    EXPECT_TRUE(deliveries_to(other).empty());
    auto starts = all<core::StartPtype>();
    ASSERT_EQ(starts.size(), 1u) << "start disposition of the otype signature";
    EXPECT_EQ(starts[0].ptype, "Editor");
    EXPECT_EQ(states_seen_by(sender).back(), core::State::STARTED);
}

TEST_F(ObjectAddressing, TheQueueDispositionOfAnOtypeSignatureQueues) {
    send(sender, object_request("Keep"));
    auto queued = all<core::Queued>();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].ptype, "Editor");
    EXPECT_EQ(queued[0].message->otype, "Doc");
    EXPECT_EQ(states_seen_by(sender).back(), core::State::QUEUED);
}

TEST_F(ObjectAddressing, ADerivedOtypeHandlesItselfAndASuperMessageReachesTheParent) {
    send(sender, object_request("Keep", "rep"));
    core::Message super = object_request("Keep", "rep");
    super.body.otype = "Report";  // what tt_message_create_super copies from the handled message
    super.body.super = true;
    send(sender, super);
    auto queued = all<core::Queued>();
    ASSERT_EQ(queued.size(), 2u);
    EXPECT_EQ(queued[0].message.header.opnum, 9) << "Report's own signature";
    EXPECT_EQ(queued[1].message.header.opnum, 8) << "Doc's, through the super message";
    EXPECT_EQ(queued[1].message->otype, "Doc");
}

TEST_F(ObjectAddressing, OtypeAddressingNeedsNoSpec) {
    core::Message m = core::test::make_message(core::Class::REQUEST, core::Scope::NONE, "Keep", core::Address::OTYPE);
    m.body.otype = "Doc";
    send(sender, m);
    auto queued = all<core::Queued>();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].message.header.opnum, 8);
}

TEST_F(ObjectAddressing, AMovedSpecAddressesItsNewFile) {
    ASSERT_EQ(store->move("obj", "/docs/b", &error), Status::OK);
    send(sender, object_request("Keep"));
    auto queued = all<core::Queued>();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].message->file, "/docs/b");
}

}  // namespace
}  // namespace ttbus::store
