// Every key of the key tables (src/protocol/keys.h) through the shared writer and reader: a
// message (as a client and as the broker writes it), a delivery, an update, a monitor event's
// entries, a pattern and an answer; unknown keys, wrong signatures and empty values.
#include "built.h"

#include "protocol/wire.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace ttbus::protocol {
namespace {

// A message with every field away from its default.
Message full_message() {
    Message m;
    auto& b = m.body;
    auto& h = m.header;
    b.id = "7 p1";
    b.cls = Class::OFFER;
    b.address = Address::HANDLER;
    b.op = "Edit";
    b.args = {{Mode::INOUT, "string", std::string("x\0y", 3)}, {Mode::OUT, "int", std::int32_t{9}}};
    b.contexts = {{"$A", std::int32_t{1}}, {"$B", std::string("b")}};
    b.file = "/tmp/f";
    b.object = "obj";
    b.otype = "OT";
    b.session = "s1";
    b.sender = "p1";
    b.sender_ptype = "SP";
    b.uid = 1000;
    b.gid = 100;
    b.super = true;
    h.state = State::RETURNED;
    h.scope = Scope::FILE_IN_SESSION;
    h.disposition = static_cast<Disposition>(3);
    h.opnum = 4;
    h.handler = "p2";
    h.handler_ptype = "HP";
    h.status = -12;
    h.status_string = "why";
    h.accepters = {"a"};
    h.rejecters = {"r1", "r2"};
    h.abstainers = {"x"};
    return m;
}

// The keys a written dictionary holds, in order.
std::vector<std::string> keys_of(sd_bus_message* m) {
    std::vector<std::string> out;
    EXPECT_GT(sd_bus_message_enter_container(m, 'a', "{sv}"), 0);
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* k = nullptr;
        EXPECT_GT(sd_bus_message_read_basic(m, 's', &k), 0);
        out.emplace_back(k);
        EXPECT_GE(sd_bus_message_skip(m, "v"), 0);
        EXPECT_GE(sd_bus_message_exit_container(m), 0);
    }
    EXPECT_GE(sd_bus_message_exit_container(m), 0);
    EXPECT_GE(sd_bus_message_rewind(m, 1), 0);
    return out;
}

std::set<std::string> names(const Key* keys, std::size_t n, auto&& wanted) {
    std::set<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        if (wanted(keys[i])) out.emplace(keys[i].name);
    }
    return out;
}

// A one-entry a{sv}: `key` holding a value of `signature` written by `value`.
Built one_entry(const char* key, const char* signature, const std::function<void(sd_bus_message*)>& value) {
    return Built([&](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.entry_with(key, signature, [&] { value(m); });
        w.close();
    });
}

// Appends an empty or zero value of any signature the tables use.
void zero_of(sd_bus_message* m, const char* signature) {
    if (signature[0] == 'a') {
        ASSERT_GE(sd_bus_message_open_container(m, 'a', signature + 1), 0);
        ASSERT_GE(sd_bus_message_close_container(m), 0);
    } else if (signature[0] == 's') {
        ASSERT_GE(sd_bus_message_append_basic(m, 's', ""), 0);
    } else {
        const std::uint64_t zero = 0;
        ASSERT_GE(sd_bus_message_append_basic(m, signature[0], &zero), 0);
    }
}

TEST(Keys, EveryMessageKeyTravelsFromTheBroker) {
    const Message sent = full_message();
    const DeliveryKeys delivery{42, static_cast<std::uint32_t>(Delivery::vote), true};
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        write_message(w, sent.body, sent.header, Party::broker, &delivery);
    });
    // Every key but the sender-only one (super) goes out.
    const auto written = keys_of(b.get());
    EXPECT_EQ(std::set<std::string>(written.begin(), written.end()),
              names(message_keys, std::size(message_keys), [](const Key& k) { return k.direction != Direction::in_only; }));
    Message got;
    DeliveryKeys got_delivery;
    read_message(b.get(), got, Party::broker, &got_delivery);
    Message expected = sent;
    expected.body.super = false;
    EXPECT_EQ(got.body.id, expected.body.id);
    EXPECT_EQ(got.body.cls, expected.body.cls);
    EXPECT_EQ(got.body.address, expected.body.address);
    EXPECT_EQ(got.body.op, expected.body.op);
    EXPECT_EQ(got.body.args, expected.body.args);
    EXPECT_EQ(got.body.contexts, expected.body.contexts);
    EXPECT_EQ(got.body.file, expected.body.file);
    EXPECT_EQ(got.body.object, expected.body.object);
    EXPECT_EQ(got.body.otype, expected.body.otype);
    EXPECT_EQ(got.body.session, expected.body.session);
    EXPECT_EQ(got.body.sender, expected.body.sender);
    EXPECT_EQ(got.body.sender_ptype, expected.body.sender_ptype);
    EXPECT_EQ(got.body.uid, expected.body.uid);
    EXPECT_EQ(got.body.gid, expected.body.gid);
    EXPECT_EQ(got.body.super, false);
    EXPECT_EQ(got.header.state, expected.header.state);
    EXPECT_EQ(got.header.scope, expected.header.scope);
    EXPECT_EQ(got.header.disposition, expected.header.disposition);
    EXPECT_EQ(got.header.opnum, expected.header.opnum);
    EXPECT_EQ(got.header.handler, expected.header.handler);
    EXPECT_EQ(got.header.handler_ptype, expected.header.handler_ptype);
    EXPECT_EQ(got.header.status, expected.header.status);
    EXPECT_EQ(got.header.status_string, expected.header.status_string);
    EXPECT_EQ(got.header.accepters, expected.header.accepters);
    EXPECT_EQ(got.header.rejecters, expected.header.rejecters);
    EXPECT_EQ(got.header.abstainers, expected.header.abstainers);
    EXPECT_EQ(got_delivery.pattern, 42u);
    EXPECT_EQ(got_delivery.delivery, static_cast<std::uint32_t>(Delivery::vote));
    EXPECT_TRUE(got_delivery.start_message);
}

TEST(Keys, EveryMessageKeyTravelsFromAClient) {
    const Message sent = full_message();
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        write_message(w, sent.body, sent.header, Party::client, nullptr, Defaults::omit);
    });
    const auto written = keys_of(b.get());
    EXPECT_EQ(std::set<std::string>(written.begin(), written.end()),
              names(message_keys, std::size(message_keys), [](const Key& k) { return k.direction != Direction::out; }));
    Message got;
    read_message(b.get(), got, Party::client);
    EXPECT_EQ(got.body.id, sent.body.id);
    EXPECT_EQ(got.body.cls, sent.body.cls);
    EXPECT_EQ(got.body.address, sent.body.address);
    EXPECT_EQ(got.body.args, sent.body.args);
    EXPECT_EQ(got.body.contexts, sent.body.contexts);
    EXPECT_EQ(got.body.file, sent.body.file);
    EXPECT_EQ(got.body.sender_ptype, sent.body.sender_ptype);
    EXPECT_TRUE(got.body.super);
    EXPECT_EQ(got.header.scope, sent.header.scope);
    EXPECT_EQ(got.header.disposition, sent.header.disposition);
    EXPECT_EQ(got.header.handler, sent.header.handler);
    EXPECT_EQ(got.header.handler_ptype, sent.header.handler_ptype);
    EXPECT_EQ(got.header.status, sent.header.status);
    EXPECT_EQ(got.header.status_string, sent.header.status_string);
    // Nothing the broker stamps is taken from a client.
    EXPECT_EQ(got.body.sender, "");
    EXPECT_EQ(got.body.uid, 0u);
    EXPECT_EQ(got.header.state, State::CREATED);
    EXPECT_EQ(got.header.opnum, -1);
}

TEST(Keys, BrokerKeysFromAClientAreSkipped) {
    // A received message sent back: the broker's keys are accepted and none of them is taken.
    const Message sent = full_message();
    const DeliveryKeys delivery{42, 1, true};
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        write_message(w, sent.body, sent.header, Party::broker, &delivery);
    });
    Message got;
    read_message(b.get(), got, Party::client);
    EXPECT_EQ(got.body.op, "Edit");
    EXPECT_EQ(got.body.sender, "");
    EXPECT_EQ(got.body.gid, 0u);
    EXPECT_TRUE(got.header.accepters.empty());
    EXPECT_EQ(got.header.state, State::CREATED);
}

TEST(Keys, AnUpdateLeavesDefaultsOut) {
    // Updated and Delivered: optional keys holding their default are left out, the others stay.
    Message m;
    m.body.id = "1 p";
    m.body.cls = Class::NOTICE;
    m.body.address = Address::PROCEDURE;
    m.body.op = "Op";
    m.header.scope = Scope::SESSION;
    Built b([&](sd_bus_message* msg) {
        Writer w(msg);
        write_message(w, m.body, m.header, Party::broker, nullptr, Defaults::omit);
    });
    EXPECT_EQ(keys_of(b.get()), (std::vector<std::string>{"id", "class", "address", "scope", "disposition", "op",
                                                          "uid", "gid", "state", "opnum"}));
    Message got;
    read_message(b.get(), got, Party::broker);
    EXPECT_EQ(got.body.op, "Op");
    EXPECT_EQ(got.header.opnum, -1);
    EXPECT_EQ(got.body.file, "");
    // Kept, the same message carries every key the broker writes for a notice.
    Built all([&](sd_bus_message* msg) {
        Writer w(msg);
        write_message(w, m.body, m.header, Party::broker, nullptr, Defaults::keep);
    });
    EXPECT_EQ(keys_of(all.get()).size(), 22u);
}

TEST(Keys, AMonitorEventCarriesTheMessageEntries) {
    // A Monitor1.Event: the event's own keys around the message's entries, in one a{sv}.
    const Message sent = full_message();
    auto view = MessageView{std::make_shared<MessageBody>(sent.body), sent.header};
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.entry("event", "sent");
        write_message_entries(w, view);
        w.entry("procid", "p1");
        w.close();
    });
    const auto written = keys_of(b.get());
    EXPECT_EQ(written.front(), "event");
    EXPECT_EQ(written.back(), "procid");
    const std::set<std::string> inner(written.begin() + 1, written.end() - 1);
    EXPECT_EQ(inner, names(message_keys, std::size(message_keys), [](const Key& k) {
                  return k.direction != Direction::in_only && std::string_view(k.name) != "pattern" &&
                         k.name != "delivery" && k.name != "start_message";
              }));
}

TEST(Keys, EveryPatternKeyTravels) {
    Pattern p;
    p.category = Category::HANDLE_ROTATE;
    p.scopes = {Scope::SESSION, Scope::FILE};
    p.classes = {Class::REQUEST};
    p.states = {State::SENT, State::HANDLED};
    p.addresses = {Address::OTYPE};
    p.dispositions = {Disposition::QUEUE};
    p.ops = {"a", "b"};
    p.opnums = {3};
    p.sessions = {"s"};
    p.files = {"/f"};
    p.objects = {"o"};
    p.otypes = {"t"};
    p.senders = {"p"};
    p.sender_ptypes = {"sp"};
    p.handlers = {"h"};
    p.handler_ptypes = {"hp"};
    p.args = {{Mode::IN, "ALL", Value{}}};
    p.contexts = {{"$X", {std::int32_t{1}, std::string("y")}}, {"$W", {}}};
    for (Defaults d : {Defaults::keep, Defaults::omit}) {
        Built b([&](sd_bus_message* m) {
            Writer w(m);
            write_pattern(w, p, d);
        });
        const auto written = keys_of(b.get());
        EXPECT_EQ(std::set<std::string>(written.begin(), written.end()),
                  names(pattern_keys, std::size(pattern_keys), [](const Key&) { return true; }));
        Pattern got;
        read_pattern(b.get(), got);
        EXPECT_EQ(got, p);
    }
    // An empty pattern, omitting defaults: only the category; an unset one is no value and is
    // never written (absent, it reads as unset again, and registering fails for it).
    Pattern empty;
    empty.category = Category::OBSERVE;
    Built omitted([&](sd_bus_message* m) {
        Writer w(m);
        write_pattern(w, empty, Defaults::omit);
    });
    EXPECT_EQ(keys_of(omitted.get()), std::vector<std::string>{"category"});
    Built unset([&](sd_bus_message* m) {
        Writer w(m);
        write_pattern(w, Pattern{}, Defaults::keep);
    });
    const auto kept = keys_of(unset.get());
    EXPECT_EQ(std::count(kept.begin(), kept.end(), "category"), 0);
    EXPECT_EQ(kept.size(), std::size(pattern_keys) - 1);
}

TEST(Keys, EveryAnswerKeyTravels) {
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        write_answer(w, {{Mode::OUT, "int", std::int32_t{5}}}, 7, "done");
    });
    EXPECT_EQ(keys_of(b.get()), (std::vector<std::string>{"args", "status", "status_string"}));
    Answer a;
    read_answer(b.get(), a);
    EXPECT_EQ(a.args, std::vector<Value>{std::int32_t{5}});
    EXPECT_EQ(a.status, 7);
    EXPECT_EQ(a.status_string, "done");
    Built empty([&](sd_bus_message* m) {
        Writer w(m);
        write_answer(w, {}, 0, "");
    });
    EXPECT_TRUE(keys_of(empty.get()).empty());
}

TEST(Keys, EmptyDictionariesReadAsDefaults) {
    Built b([](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.close();
    });
    Message got;
    read_message(b.get(), got, Party::broker);
    EXPECT_EQ(got.body.cls, Class::UNDEFINED);
    EXPECT_EQ(got.body.address, Address::LAST);
    EXPECT_EQ(got.header.opnum, -1);
    EXPECT_EQ(got.header.state, State::CREATED);
    EXPECT_EQ(sd_bus_message_rewind(b.get(), 1), 1);
    Pattern p;
    read_pattern(b.get(), p);
    EXPECT_EQ(p, Pattern{});
}

TEST(Keys, EveryKeyWithTheWrongSignatureIsInvalid) {
    const std::pair<const Key*, std::size_t> tables[] = {{message_keys, std::size(message_keys)},
                                                         {pattern_keys, std::size(pattern_keys)},
                                                         {answer_keys, std::size(answer_keys)}};
    for (const auto& [keys, n] : tables) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::string key(keys[i].name);
            // A signature no key of any table has the same as: "d" (a double).
            Built b = one_entry(key.c_str(), "d", [](sd_bus_message* m) {
                const double d = 1;
                ASSERT_GE(sd_bus_message_append_basic(m, 'd', &d), 0);
            });
            const std::int32_t status = failure_of([&] {
                if (keys == message_keys) {
                    Message m;
                    read_message(b.get(), m, Party::broker);
                } else if (keys == pattern_keys) {
                    Pattern p;
                    read_pattern(b.get(), p);
                } else {
                    Answer a;
                    read_answer(b.get(), a);
                }
            });
            EXPECT_EQ(status, static_cast<std::int32_t>(Status::ERR_INVALID)) << key;
        }
    }
}

TEST(Keys, EveryKeyTakesAnEmptyValue) {
    // Each key alone with an empty or zero value of its own signature: the reader takes it. Enums
    // at 0 are in range for all but category (0 is TT_CATEGORY_UNDEFINED: valid on the wire).
    for (std::size_t i = 0; i < std::size(message_keys); ++i) {
        const std::string key(message_keys[i].name);
        Built b = one_entry(key.c_str(), message_keys[i].signature,
                            [&](sd_bus_message* m) { zero_of(m, message_keys[i].signature); });
        Message m;
        EXPECT_EQ(failure_of([&] { read_message(b.get(), m, Party::broker); }), 0) << key;
    }
    for (std::size_t i = 0; i < std::size(pattern_keys); ++i) {
        const std::string key(pattern_keys[i].name);
        Built b = one_entry(key.c_str(), pattern_keys[i].signature,
                            [&](sd_bus_message* m) { zero_of(m, pattern_keys[i].signature); });
        Pattern p;
        EXPECT_EQ(failure_of([&] { read_pattern(b.get(), p); }), 0) << key;
    }
}

TEST(Keys, UnknownKeysAreRefusedFromClientsAndSkippedFromTheBroker) {
    Built b([](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.entry("op", "Known");
        w.entry("from_a_newer_broker", std::vector<std::string>{"x"});
        w.entry("class", std::int32_t{1});
        w.close();
    });
    Message from_client;
    EXPECT_EQ(failure_of([&] { read_message(b.get(), from_client, Party::client); }),
              static_cast<std::int32_t>(Status::ERR_INVALID));
    EXPECT_EQ(sd_bus_message_rewind(b.get(), 1), 1);
    Message from_broker;
    EXPECT_EQ(failure_of([&] { read_message(b.get(), from_broker, Party::broker); }), 0);
    EXPECT_EQ(from_broker.body.op, "Known");
    EXPECT_EQ(from_broker.body.cls, Class::NOTICE);
}

TEST(Keys, KeysAreUnique) {
    for (const auto& [keys, n] : {std::pair{message_keys, std::size(message_keys)},
                                  std::pair{pattern_keys, std::size(pattern_keys)},
                                  std::pair{answer_keys, std::size(answer_keys)}}) {
        std::set<std::string_view> seen;
        for (std::size_t i = 0; i < n; ++i) {
            EXPECT_TRUE(seen.insert(keys[i].name).second) << keys[i].name;
        }
    }
}

}  // namespace
}  // namespace ttbus::protocol
