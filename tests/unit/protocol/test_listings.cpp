// The broker's listings, status and monitor events (keys.h: ProcidInfo, Status, Patterns, Queue,
// Launches, Otype, Monitor1.Event) through the shared writer (Writer::entry with a table's key)
// and reader (read_entries): every key of every table, a key the reader does not know, a key of
// the wrong type on either side, and keys a reader leaves to be skipped.
#include "built.h"

#include "protocol/wire.h"

#include <gtest/gtest.h>

#include <set>
#include <span>
#include <string>
#include <vector>

namespace ttbus::protocol {
namespace {

struct Table {
    const char* name;
    std::span<const Key> keys;
};

const Table tables[] = {
    {"ProcidInfo", procid_info_keys}, {"Status", status_keys},   {"Patterns", pattern_entry_keys},
    {"Queue", queue_keys},            {"Launches", launch_keys}, {"Otype", otype_keys},
    {"Monitor1.Event", monitor_event_keys},
};

// A value for key i of a table, by the key's signature; the reader expects the same.
std::string text(std::size_t i) { return "v" + std::to_string(i); }
std::vector<std::string> texts(std::size_t i) { return {text(i), "", "z"}; }

void write_sample(Writer& w, const Key& key, std::size_t i) {
    const std::string_view sig = key.signature;
    if (sig == "s") {
        w.entry(key, text(i));
    } else if (sig == "u") {
        w.entry(key, static_cast<std::uint32_t>(i + 1));
    } else if (sig == "i") {
        w.entry(key, -static_cast<std::int32_t>(i + 1));
    } else if (sig == "t") {
        w.entry(key, std::uint64_t{1} << 40 | i);
    } else if (sig == "as") {
        w.entry(key, texts(i));
    } else if (sig == "at") {
        w.entry(key, std::vector<std::uint64_t>{i, 0, ~std::uint64_t{0}});
    } else if (sig == otype_signatures_signature) {
        w.entry_with(key, [&] {
            w.open('a', "(sa(is))");
            w.open('r', "sa(is)");
            w.string(text(i));
            w.open('a', "(is)");
            w.open('r', "is");
            w.int32(2);
            w.string("string");
            w.close();
            w.close();
            w.close();
            w.close();
        });
    } else {
        ADD_FAILURE() << "no sample for signature " << sig;
    }
}

// Reads the value of key i written by write_sample and checks it.
void expect_sample(sd_bus_message* m, const Key& key, std::size_t i) {
    const std::string_view sig = key.signature;
    if (sig == "s") {
        EXPECT_EQ(read_string(m), text(i)) << key.name;
    } else if (sig == "u") {
        EXPECT_EQ(read_uint32(m), i + 1) << key.name;
    } else if (sig == "i") {
        std::int32_t v = 0;
        ASSERT_GT(sd_bus_message_read_basic(m, 'i', &v), 0);
        EXPECT_EQ(v, -static_cast<std::int32_t>(i + 1)) << key.name;
    } else if (sig == "t") {
        EXPECT_EQ(read_uint64(m), std::uint64_t{1} << 40 | i) << key.name;
    } else if (sig == "as") {
        EXPECT_EQ(read_string_array(m), texts(i)) << key.name;
    } else if (sig == "at") {
        const void* p = nullptr;
        std::size_t size = 0;
        ASSERT_GE(sd_bus_message_read_array(m, 't', &p, &size), 0);
        const auto* v = static_cast<const std::uint64_t*>(p);
        EXPECT_EQ(std::vector<std::uint64_t>(v, v + size / 8), (std::vector<std::uint64_t>{i, 0, ~std::uint64_t{0}}));
    } else {
        ASSERT_GT(sd_bus_message_enter_container(m, 'a', "(sa(is))"), 0);
        ASSERT_GT(sd_bus_message_enter_container(m, 'r', "sa(is)"), 0);
        EXPECT_EQ(read_string(m), text(i)) << key.name;
        std::int32_t mode = 0;
        const char* vtype = nullptr;
        ASSERT_GT(sd_bus_message_enter_container(m, 'a', "(is)"), 0);
        ASSERT_GT(sd_bus_message_read(m, "(is)", &mode, &vtype), 0);
        EXPECT_EQ(mode, 2);
        EXPECT_STREQ(vtype, "string");
        for (int level = 0; level < 3; ++level) ASSERT_GE(sd_bus_message_exit_container(m), 0);
    }
}

TEST(Listings, EveryKeyOfEveryTableTravelsAndAnUnknownKeyIsSkipped) {
    for (const Table& t : tables) {
        SCOPED_TRACE(t.name);
        Built b([&](sd_bus_message* m) {
            Writer w(m);
            w.open('a', "{sv}");
            w.entry("from_a_newer_broker", std::vector<std::string>{"x"});
            for (std::size_t i = 0; i < t.keys.size(); ++i) write_sample(w, t.keys[i], i);
            w.close();
        });
        std::vector<int> seen(t.keys.size(), 0);
        read_entries(b.get(), t.keys, [&](std::size_t i) {
            ++seen.at(i);
            expect_sample(b.get(), t.keys[i], i);
            return true;
        });
        EXPECT_EQ(seen, std::vector<int>(t.keys.size(), 1));
    }
}

TEST(Listings, KeysTheReaderLeavesAreSkipped) {
    // libtt reads only the session of a ProcidInfo: every other key is skipped whatever its type.
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        for (std::size_t i = 0; i < std::size(procid_info_keys); ++i) write_sample(w, procid_info_keys[i], i);
        w.close();
    });
    std::string session;
    read_entries(b.get(), procid_info_keys, [&](std::size_t i) {
        if (i != procid_info_key::session) return false;
        session = read_string(b.get());
        return true;
    });
    EXPECT_EQ(session, text(procid_info_key::session));
}

TEST(Listings, AKeyOfTheWrongTypeIsInvalid) {
    for (const Table& t : tables) {
        SCOPED_TRACE(t.name);
        for (std::size_t i = 0; i < t.keys.size(); ++i) {
            Built b([&](sd_bus_message* m) {
                Writer w(m);
                w.open('a', "{sv}");
                const std::string name(t.keys[i].name);
                if (std::string_view(t.keys[i].signature) == "b") {
                    w.entry(name.c_str(), "not a boolean");
                } else {
                    w.entry(name.c_str(), true);
                }
                w.close();
            });
            EXPECT_EQ(failure_of([&] { read_entries(b.get(), t.keys, [](std::size_t) { return false; }); }),
                      static_cast<std::int32_t>(Status::ERR_INVALID))
                << t.keys[i].name;
        }
    }
}

TEST(Listings, ARepeatedKeyIsInvalid) {
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.entry(launch_keys[launch_key::pid], std::uint32_t{1});
        w.entry(launch_keys[launch_key::pid], std::uint32_t{2});
        w.close();
    });
    EXPECT_EQ(failure_of([&] { read_entries(b.get(), launch_keys, [](std::size_t) { return false; }); }),
              static_cast<std::int32_t>(Status::ERR_INVALID));
}

TEST(Listings, TheWriterRefusesAValueOfAnotherTypeThanTheKeys) {
    for (const Table& t : tables) {
        SCOPED_TRACE(t.name);
        for (const Key& key : t.keys) {
            Built b([&](sd_bus_message* m) {
                Writer w(m);
                w.open('a', "{sv}");
                EXPECT_EQ(failure_of([&] { w.entry(key, true); }), static_cast<std::int32_t>(Status::ERR_INTERNAL))
                    << key.name;
                w.close();
            });
        }
    }
}

std::set<std::string_view> names(std::span<const Key> keys) {
    std::set<std::string_view> out;
    for (const Key& k : keys) EXPECT_TRUE(out.insert(k.name).second) << "twice in one table: " << k.name;
    return out;
}

TEST(Listings, KeysWrittenIntoOneDictionaryNeverMeet) {
    // Patterns, Queue and Monitor1.Event add their keys to a pattern's or a message's: one name
    // may not mean two things in the same a{sv}.
    auto disjoint = [](std::span<const Key> added, std::span<const Key> base) {
        const auto b = names(base);
        for (const Key& k : added) EXPECT_FALSE(b.contains(k.name)) << k.name;
    };
    disjoint(pattern_entry_keys, pattern_keys);
    disjoint(queue_keys, message_keys);
    disjoint(monitor_event_keys, message_keys);
    for (const Table& t : tables) names(t.keys);
}

}  // namespace
}  // namespace ttbus::protocol
