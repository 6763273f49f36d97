// The reader and writer of the D-Bus form (src/protocol/wire.h) on sd-bus messages
// built here, without a bus: what is written reads back the same, and every malformed input is
// refused with the status docs/dbus-api.md gives.
#include "built.h"

#include "protocol/wire.h"

#include <gtest/gtest.h>

#include <functional>

namespace ttbus::protocol {
namespace {

std::int32_t message_failure(const std::function<void(sd_bus_message*)>& write) {
    Built b(write);
    Message m;
    return failure_of([&] { read_message(b.get(), m); });
}

MessageView rich_message() {
    auto body = std::make_shared<MessageBody>();
    body->id = "c1 p";
    body->cls = Class::OFFER;
    body->address = Address::PROCEDURE;
    body->op = "Rich";
    body->args = {{Mode::IN, "int", std::int32_t{-5}},
                  {Mode::INOUT, "bytes", std::string("a\0\xffz", 4)},
                  {Mode::OUT, "string", Value{}}};
    body->contexts = {{"$PROJECT", std::string("tt")}, {"n", std::int32_t{7}}};
    body->file = "/tmp/rich";
    body->sender = "p";
    body->uid = 1000;
    MessageView v{body, {}};
    v.header.scope = Scope::FILE_IN_SESSION;
    v.header.disposition = Disposition::QUEUE;
    v.header.status = 1600;
    v.header.status_string = "rich";
    v.header.accepters = {"a1", "a2"};
    return v;
}

TEST(Wire, AMessageReadsBackAsWritten) {
    const MessageView sent = rich_message();
    const DeliveryKeys keys{42, 2, true};
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        write_message(w, sent, &keys);
    });
    Message got;
    ASSERT_EQ(failure_of([&] { read_message(b.get(), got); }), 0) << "every written key is accepted";
    EXPECT_EQ(got.body.id, sent->id);
    EXPECT_EQ(got.body.cls, sent->cls);
    EXPECT_EQ(got.body.op, sent->op);
    EXPECT_EQ(got.body.args, sent->args);
    EXPECT_EQ(got.body.contexts, sent->contexts);
    EXPECT_EQ(got.body.file, sent->file);
    EXPECT_EQ(got.header.scope, sent.header.scope);
    EXPECT_EQ(got.header.disposition, sent.header.disposition);
    EXPECT_EQ(got.header.status, 1600);
    EXPECT_EQ(got.header.status_string, "rich");
    EXPECT_TRUE(got.body.sender.empty()) << "keys the broker sets are ignored on input";
    EXPECT_EQ(got.body.uid, 0u);
}

TEST(Wire, APatternReadsBackAsWritten) {
    Pattern p;
    p.category = Category::HANDLE_PUSH;
    p.scopes = {Scope::SESSION, Scope::FILE};
    p.classes = {Class::REQUEST};
    p.states = {State::HANDLED, State::FAILED};
    p.ops = {"a", "b"};
    p.opnums = {3};
    p.senders = {"p1"};
    p.args = {{Mode::UNDEFINED, "ALL", Value{}}, {Mode::IN, "int", std::int32_t{4}}};
    p.contexts = {{"slot", {std::string("v"), std::int32_t{1}}}, {"any", {}}};
    Built b([&](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        write_pattern_entries(w, p);
        w.close();
    });
    Pattern got;
    ASSERT_EQ(failure_of([&] { read_pattern(b.get(), got); }), 0);
    EXPECT_EQ(got, p);
}

TEST(Wire, MalformedMessagesAreRefused) {
    auto entry = [](sd_bus_message* m, const char* key, const char* type, auto value) {
        ASSERT_GE(sd_bus_message_append(m, "a{sv}", 1, key, type, value), 0);
    };
    const auto invalid = static_cast<std::int32_t>(Status::ERR_INVALID);
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "colour", "i", 1); }), invalid) << "unknown key";
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "class", "s", "request"); }), invalid) << "wrong type";
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "uid", "i", 1); }), invalid) << "ignored keys are typed";
    EXPECT_EQ(message_failure([&](sd_bus_message* m) {
                  ASSERT_GE(sd_bus_message_append(m, "a{sv}", 2, "op", "s", "a", "op", "s", "b"), 0);
              }),
              invalid)
        << "a key twice";
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "class", "i", 9); }),
              static_cast<std::int32_t>(Status::ERR_CLASS));
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "scope", "i", -3); }),
              static_cast<std::int32_t>(Status::ERR_SCOPE));
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "address", "i", 4); }),
              static_cast<std::int32_t>(Status::ERR_ADDRESS));
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "disposition", "i", 4); }),
              static_cast<std::int32_t>(Status::ERR_DISPOSITION));
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "file", "s", "rel/path"); }),
              static_cast<std::int32_t>(Status::ERR_PATH));
    EXPECT_EQ(message_failure([&](sd_bus_message* m) {
                  ASSERT_GE(sd_bus_message_append(m, "a{sv}", 1, "args", "a(isuiay)", 1, 7, "int", 1u, 1, 0), 0);
              }),
              static_cast<std::int32_t>(Status::ERR_MODE));
    EXPECT_EQ(message_failure([&](sd_bus_message* m) {
                  ASSERT_GE(sd_bus_message_append(m, "a{sv}", 1, "args", "a(isuiay)", 1, 1, "int", 5u, 0, 0), 0);
              }),
              invalid)
        << "value kind";
    EXPECT_EQ(message_failure([&](sd_bus_message* m) {
                  ASSERT_GE(sd_bus_message_append(m, "a{sv}", 1, "args", "a(isuiay)", 1, 1, "int", 1u, 3, 1, 'x'), 0);
              }),
              invalid)
        << "an int carrying bytes";
    EXPECT_EQ(message_failure([&](sd_bus_message* m) {
                  ASSERT_GE(sd_bus_message_open_container(m, 'a', "{sv}"), 0);
                  ASSERT_GE(sd_bus_message_open_container(m, 'e', "sv"), 0);
                  ASSERT_GE(sd_bus_message_append(m, "s", "args"), 0);
                  ASSERT_GE(sd_bus_message_open_container(m, 'v', "a(isuiay)"), 0);
                  ASSERT_GE(sd_bus_message_open_container(m, 'a', "(isuiay)"), 0);
                  for (std::size_t i = 0; i <= max_args; ++i) {
                      ASSERT_GE(sd_bus_message_append(m, "(isuiay)", 1, "int", 1u, 1, 0), 0);
                  }
                  for (int i = 0; i < 4; ++i) ASSERT_GE(sd_bus_message_close_container(m), 0);
              }),
              static_cast<std::int32_t>(Status::ERR_OVERFLOW))
        << "too many args";
    const std::string huge(max_message_bytes + 1, 'x');
    EXPECT_EQ(message_failure([&](sd_bus_message* m) { entry(m, "op", "s", huge.c_str()); }),
              static_cast<std::int32_t>(Status::ERR_OVERFLOW))
        << "too big";
}

TEST(Wire, MalformedPatternsAndAnswersAreRefused) {
    auto pattern_failure = [](const std::function<void(sd_bus_message*)>& write) {
        Built b(write);
        Pattern p;
        return failure_of([&] { read_pattern(b.get(), p); });
    };
    EXPECT_EQ(pattern_failure([](sd_bus_message* m) { sd_bus_message_append(m, "a{sv}", 1, "category", "i", 5); }),
              static_cast<std::int32_t>(Status::ERR_CATEGORY));
    EXPECT_EQ(pattern_failure([](sd_bus_message* m) { sd_bus_message_append(m, "a{sv}", 1, "scopes", "ai", 1, 40); }),
              static_cast<std::int32_t>(Status::ERR_SCOPE));
    EXPECT_EQ(pattern_failure([](sd_bus_message* m) { sd_bus_message_append(m, "a{sv}", 1, "ops", "s", "x"); }),
              static_cast<std::int32_t>(Status::ERR_INVALID));
    Built b([](sd_bus_message* m) { sd_bus_message_append(m, "a{sv}", 1, "state", "i", 2); });
    Answer a;
    EXPECT_EQ(failure_of([&] { read_answer(b.get(), a); }), static_cast<std::int32_t>(Status::ERR_INVALID));
}

TEST(Wire, StringOptions) {
    Built b([](sd_bus_message* m) { sd_bus_message_append(m, "a{sv}", 1, "token", "s", "t1"); });
    std::string values[2] = {"default", ""};
    ASSERT_EQ(failure_of([&] { read_string_options(b.get(), open_keys, values); }), 0);
    EXPECT_EQ(values[0], "default") << "absent keys keep their value";
    EXPECT_EQ(values[1], "t1");
    Built bad([](sd_bus_message* m) { sd_bus_message_append(m, "a{sv}", 1, "", "s", "x"); });
    EXPECT_EQ(failure_of([&] { read_string_options(bad.get(), open_keys, values); }),
              static_cast<std::int32_t>(Status::ERR_INVALID))
        << "an empty key is no key";
}

}  // namespace
}  // namespace ttbus::protocol
