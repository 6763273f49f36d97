// The compact form of the peer link (src/protocol/compact.h) against the a{sv} form (wire.h): for
// every key of the key tables, a message, delivery or answer that differs from the default in that
// key reads back from the compact form as the same protocol object as from the a{sv} form, for
// each party that writes it; and malformed parts are refused with the a{sv} reader's statuses.
#include "built.h"

#include "protocol/compact.h"

#include <gtest/gtest.h>

#include <string>

namespace ttbus::protocol {
namespace {

// A message that differs from `base` in the key `key` (message_keys). False for a key this test
// does not know: a key added to keys.h must be added here, and to the compact form.
bool vary(std::size_t key, Message& m, DeliveryKeys& d) {
    auto& b = m.body;
    auto& h = m.header;
    using namespace message_key;
    switch (static_cast<Index>(key)) {
    case id: b.id = "7 p"; return true;
    case cls: b.cls = Class::NOTICE; return true;
    case address: b.address = Address::OTYPE; return true;
    case scope: h.scope = Scope::FILE_IN_SESSION; return true;
    case disposition: h.disposition = Disposition::START; return true;
    case op: b.op = "Op\xc3\xa9"; return true;
    case args:
        b.args = {{Mode::IN, "int", std::int32_t{-3}}, {Mode::OUT, "string", Value{}},
                  {Mode::INOUT, "bytes", std::string("a\0\xff", 3)}};
        return true;
    case contexts: b.contexts = {{"$A", std::string("x")}, {"n", std::int32_t{4}}, {"u", Value{}}}; return true;
    case file: b.file = "/tmp/f"; return true;
    case object: b.object = "obj"; return true;
    case otype: b.otype = "T"; return true;
    case session: b.session = "s1"; return true;
    case handler: h.handler = "p2"; return true;
    case handler_ptype: h.handler_ptype = "Pt"; return true;
    case sender_ptype: b.sender_ptype = "Sp"; return true;
    case status: h.status = -17; return true;
    case status_string: h.status_string = "why"; return true;
    case super: b.super = true; return true;
    case sender: b.sender = "p"; return true;
    case uid: b.uid = 1000; return true;
    case gid: b.gid = 100; return true;
    case state: h.state = State::HANDLED; return true;
    case opnum: h.opnum = 12; return true;
    case accepters: h.accepters = {"a", "b"}; return true;
    case rejecters: h.rejecters = {"r"}; return true;
    case abstainers: h.abstainers = {"x", "y", "z"}; return true;
    case pattern: d.pattern = 99; return true;
    case delivery: d.delivery = static_cast<std::uint32_t>(Delivery::vote); return true;
    case start_message: d.start_message = true; return true;
    case count: break;
    }
    return false;
}

Message base() {
    Message m;
    m.body.cls = Class::OFFER;  // the votes travel only with offers
    m.body.address = Address::PROCEDURE;
    m.header.scope = Scope::SESSION;
    return m;
}

struct Read {
    Message message;
    DeliveryKeys delivery;
    bool operator==(const Read&) const = default;
};

// As the a{sv} form carries it from `by`.
Read through_dictionary(const Message& m, const DeliveryKeys& d, Party by) {
    Built built([&](sd_bus_message* bm) {
        Writer w(bm);
        write_message(w, m.body, m.header, by, by == Party::broker ? &d : nullptr, Defaults::omit);
    });
    Read r;
    EXPECT_EQ(failure_of([&] { read_message(built.get(), r.message, by, &r.delivery); }), 0);
    return r;
}

// As the compact form carries it: Send's part from a client, Delivered's two parts from the broker.
Read through_compact(const Message& m, const DeliveryKeys& d, Party by) {
    Read r;
    if (by == Party::client) {
        std::string part;
        compact::append_message(part, m.body, m.header, by);
        EXPECT_EQ(failure_of([&] { compact::read_message(part, r.message, by); }), 0);
    } else {
        std::string delivery;
        std::string body;
        compact::append_delivery(delivery, d, m.header, m.body.cls);
        compact::append_body(body, m.body);
        EXPECT_EQ(failure_of([&] {
                      compact::read_delivery(delivery, r.delivery, r.message.header);
                      compact::read_body(body, r.message.body);
                  }),
                  0);
    }
    return r;
}

TEST(Compact, EveryMessageKeyReadsAsInTheDictionaryForm) {
    const Message plain = base();
    for (std::size_t key = 0; key < std::size(message_keys); ++key) {
        SCOPED_TRACE(message_keys[key].name);
        Message m = plain;
        DeliveryKeys d;
        ASSERT_TRUE(vary(key, m, d)) << "a key the compact form does not know";
        bool carried = false;
        for (Party by : {Party::client, Party::broker}) {
            const Read dictionary = through_dictionary(m, d, by);
            EXPECT_EQ(through_compact(m, d, by), dictionary) << (by == Party::client ? "from a client" : "from the broker");
            carried = carried || !(dictionary == through_dictionary(plain, {}, by));
        }
        EXPECT_TRUE(carried) << "no party carries the key";
    }
}

TEST(Compact, AllKeysAtOnce) {
    Message m = base();
    DeliveryKeys d;
    for (std::size_t key = 0; key < std::size(message_keys); ++key) {
        if (key != message_key::cls) vary(key, m, d);
    }
    for (Party by : {Party::client, Party::broker}) EXPECT_EQ(through_compact(m, d, by), through_dictionary(m, d, by));
}

// A handler's answer: every key of answer_keys.
TEST(Compact, EveryAnswerKeyReadsAsInTheDictionaryForm) {
    for (std::size_t key = 0; key < std::size(answer_keys); ++key) {
        SCOPED_TRACE(answer_keys[key].name);
        std::vector<Arg> args;
        std::int32_t status = 0;
        std::string status_string;
        switch (static_cast<answer_key::Index>(key)) {
        case answer_key::args: args = {{Mode::OUT, "int", std::int32_t{5}}, {Mode::INOUT, "s", std::string("v")}, {}}; break;
        case answer_key::status: status = 1601; break;
        case answer_key::status_string: status_string = "done"; break;
        case answer_key::count: FAIL() << "a key the compact form does not know";
        }
        Built built([&](sd_bus_message* bm) {
            Writer w(bm);
            write_answer(w, args, status, status_string);
        });
        Answer dictionary;
        ASSERT_EQ(failure_of([&] { read_answer(built.get(), dictionary); }), 0);
        EXPECT_NE(dictionary, Answer{});
        std::string part;
        compact::append_answer(part, args, status, status_string);
        Answer got;
        ASSERT_EQ(failure_of([&] { compact::read_answer(part, got); }), 0);
        EXPECT_EQ(got, dictionary);
    }
}

// An update applied to the message its sender holds gives what the whole message in the a{sv}
// form gives, however little of it travels.
TEST(Compact, AnUpdateAppliedGivesTheWholeMessage) {
    Message sent = base();
    sent.body.cls = Class::REQUEST;
    sent.body.id = "3 p";
    sent.body.op = "Op";
    sent.body.args = {{Mode::IN, "int", std::int32_t{1}}, {Mode::OUT, "string", Value{}},
                      {Mode::INOUT, "int", std::int32_t{2}}};
    sent.body.contexts = {{"z", std::int32_t{1}}, {"a", std::string("x")}, {"z", std::int32_t{2}}};
    // What the broker made of it: stamped, answered.
    Message held = sent;
    held.body.sender = "p";
    held.body.sender_ptype = "Pt";
    held.body.session = "s";
    held.body.otype = "O";
    held.body.file = "/f";
    held.body.uid = 10;
    held.body.gid = 20;
    normalize_contexts(held.body.contexts);
    held.body.args[1].value = std::string("out");
    held.body.args[2].value = std::int32_t{3};
    held.header = {State::HANDLED, Scope::SESSION, Disposition::QUEUE, 4, "h", "Hp", 1602, "fine", {}, {}, {}};

    std::string part;
    compact::append_update(part, held.body, held.header);
    compact::Update u;
    ASSERT_EQ(failure_of([&] { compact::read_update(part, u); }), 0);
    EXPECT_EQ(u.id, "3 p");
    EXPECT_EQ(u.values, (std::vector<Value>{std::string("out"), std::int32_t{3}})) << "the OUT and INOUT values only";
    Message applied = sent;
    EXPECT_TRUE(compact::apply(u, applied));
    EXPECT_EQ(applied, through_dictionary(held, {}, Party::broker).message);

    // Values that do not fit the args (the program added one since): the rest applies.
    Message changed = sent;
    changed.body.args.push_back({Mode::OUT, "int", std::int32_t{9}});
    EXPECT_FALSE(compact::apply(u, changed));
    EXPECT_EQ(changed.header, held.header);
    EXPECT_EQ(changed.body.uid, 10u);
    EXPECT_EQ(changed.body.args[1].value, Value{}) << "the values are left as they were";
}

// ---------------------------------------------------------------------------------------------
// Malformed parts

std::int32_t status_of(Status s) { return static_cast<std::int32_t>(s); }

std::int32_t read_as_broker(const std::string& part) {
    Message m;
    return failure_of([&] { compact::read_message(part, m, Party::broker); });
}

// A part `read` takes is refused whole (TT_ERR_INVALID) when cut short anywhere, with a byte after
// its end, or with another version byte.
void expect_damage_refused(const std::string& part, const std::function<std::int32_t(const std::string&)>& read) {
    ASSERT_EQ(read(part), 0);
    for (std::size_t n = 0; n < part.size(); ++n) {
        EXPECT_EQ(read(part.substr(0, n)), status_of(Status::ERR_INVALID)) << n << " bytes";
    }
    EXPECT_EQ(read(part + '\0'), status_of(Status::ERR_INVALID)) << "a byte after the end";
    std::string other = part;
    other[0] = static_cast<char>(compact::version + 1);
    EXPECT_EQ(read(other), status_of(Status::ERR_INVALID)) << "another version";
}

// A client's part with `field` of the body set by `change`, its op "OPOP" patched by `patch`.
std::string sent_part(const std::function<void(Message&)>& change, std::string_view patch = "OPOP") {
    Message m = base();
    m.body.op = "OPOP";
    change(m);
    std::string part;
    compact::append_message(part, m.body, m.header, Party::broker);
    const auto at = part.find("OPOP");
    if (at != std::string::npos) part.replace(at, 4, patch);
    return part;
}

TEST(Compact, EveryTruncationIsRefused) {
    Message m = base();
    DeliveryKeys d;
    for (std::size_t key = 0; key < std::size(message_keys); ++key) vary(key, m, d);
    m.body.cls = Class::OFFER;
    std::string part;
    compact::append_message(part, m.body, m.header, Party::broker);
    expect_damage_refused(part, read_as_broker);
}

TEST(Compact, MalformedFieldsAreRefusedAsTheDictionaryFormRefusesThem) {
    struct Case {
        const char* what;
        std::function<void(Message&)> change;
        std::string_view patch;
        Status expected;
    };
    const std::string big(max_message_bytes + 1, 'x');
    const Case cases[] = {
        {"class", [](Message& m) { m.body.cls = static_cast<Class>(4); }, "OPOP", Status::ERR_CLASS},
        {"address", [](Message& m) { m.body.address = static_cast<Address>(-1); }, "OPOP", Status::ERR_ADDRESS},
        {"scope", [](Message& m) { m.header.scope = static_cast<Scope>(99); }, "OPOP", Status::ERR_SCOPE},
        {"disposition", [](Message& m) { m.header.disposition = static_cast<Disposition>(-2); }, "OPOP",
         Status::ERR_DISPOSITION},
        {"state", [](Message& m) { m.header.state = State::LAST; }, "OPOP", Status::ERR_INVALID},
        {"mode", [](Message& m) { m.body.args = {{static_cast<Mode>(4), "int", Value{}}}; }, "OPOP", Status::ERR_MODE},
        {"relative file", [](Message& m) { m.body.file = "rel"; }, "OPOP", Status::ERR_PATH},
        {"too many args", [](Message& m) { m.body.args.resize(max_args + 1); }, "OPOP", Status::ERR_OVERFLOW},
        {"too many bytes", [&](Message& m) { m.body.args = {{Mode::IN, "s", big}}; }, "OPOP", Status::ERR_OVERFLOW},
        {"a NUL in a string", [](Message&) {}, std::string_view("OP\0P", 4), Status::ERR_INVALID},
        {"not UTF-8", [](Message&) {}, "OP\xff" "P", Status::ERR_INVALID},
        {"a surrogate", [](Message&) {}, "O\xed\xa0\x80", Status::ERR_INVALID},
        {"an overlong slash", [](Message&) {}, "OP\xc0\xaf", Status::ERR_INVALID},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(read_as_broker(sent_part(c.change, c.patch)), status_of(c.expected)) << c.what;
    }
    // A value's kind, a boolean, a list longer than the part: bytes of a valid part changed.
    std::string part = sent_part([](Message& m) {
        m.body.op.clear();
        m.body.args = {{Mode::IN, "OPOP", std::int32_t{7}}};
    }, "ABCD");
    const auto kind = part.find("ABCD") + 4;
    part[kind] = 3;
    EXPECT_EQ(read_as_broker(part), status_of(Status::ERR_INVALID)) << "value kind 3";
    part.clear();
    compact::append_body(part, base().body);
    part.back() = 2;  // super
    MessageBody body;
    EXPECT_EQ(failure_of([&] { compact::read_body(part, body); }), status_of(Status::ERR_INVALID)) << "a boolean of 2";
    part = sent_part([](Message& m) { m.header.accepters = {"OPOP"}; m.body.op.clear(); }, "ABCD");
    const auto list = part.find("ABCD") - 8;
    part[list + 3] = 0x7f;
    EXPECT_EQ(read_as_broker(part), status_of(Status::ERR_INVALID)) << "a list past the end";
}

TEST(Compact, AnswersAndUpdatesAreBounded) {
    std::string part;
    compact::append_answer(part, std::vector<Arg>(max_args + 1), 0, "");
    Answer a;
    EXPECT_EQ(failure_of([&] { compact::read_answer(part, a); }), status_of(Status::ERR_OVERFLOW));
    MessageBody many;
    many.args.resize(max_args + 1, Arg{Mode::OUT, "", {}});
    part.clear();
    compact::append_update(part, many, {});
    compact::Update u;
    EXPECT_EQ(failure_of([&] { compact::read_update(part, u); }), status_of(Status::ERR_OVERFLOW));
    part.clear();
    compact::append_answer(part, {}, 0, "ok");
    part.back() = '\0';
    EXPECT_EQ(failure_of([&] { compact::read_answer(part, a); }), status_of(Status::ERR_INVALID));
}

// ---------------------------------------------------------------------------------------------
// Batches (Peer1.DeliveredBatch)

// The two parts of a delivery, as the broker writes them.
std::pair<std::string, std::string> delivered_parts(const Message& m, const DeliveryKeys& d) {
    std::pair<std::string, std::string> parts;
    compact::append_delivery(parts.first, d, m.header, m.body.cls);
    compact::append_body(parts.second, m.body);
    return parts;
}

std::string batch_of(const std::vector<std::pair<std::string, std::string>>& deliveries) {
    std::string batch;
    for (const auto& [delivery, body] : deliveries) compact::append_to_batch(batch, delivery, body);
    return batch;
}

// Each key, in a delivery between two others in one batch: read as the a{sv} form reads it, the
// others unchanged, in the order they were added.
TEST(CompactBatch, EveryMessageKeyReadsAsInTheDictionaryForm) {
    const Message plain = base();
    const Read plain_read = through_dictionary(plain, {}, Party::broker);
    for (std::size_t key = 0; key < std::size(message_keys); ++key) {
        SCOPED_TRACE(message_keys[key].name);
        Message m = plain;
        DeliveryKeys d;
        ASSERT_TRUE(vary(key, m, d));
        const std::string batch = batch_of({delivered_parts(plain, {}), delivered_parts(m, d), delivered_parts(plain, {})});
        std::vector<compact::Delivered> read;
        ASSERT_EQ(failure_of([&] { read = compact::read_batch(batch); }), 0);
        ASSERT_EQ(read.size(), 3u);
        const Read dictionary = through_dictionary(m, d, Party::broker);
        EXPECT_EQ(read[1].message, dictionary.message);
        EXPECT_EQ(read[1].delivery, dictionary.delivery);
        for (std::size_t i : {0u, 2u}) {
            EXPECT_EQ(read[i].message, plain_read.message);
            EXPECT_EQ(read[i].delivery, plain_read.delivery);
        }
    }
}

TEST(CompactBatch, EntriesAreTheDeliveredCompactParts) {
    Message m = base();
    DeliveryKeys d;
    for (std::size_t key = 0; key < std::size(message_keys); ++key) vary(key, m, d);
    const auto one = delivered_parts(m, d);
    const std::string batch = batch_of({one});
    const auto entries = compact::batch_entries(batch);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].delivery, one.first);
    EXPECT_EQ(entries[0].body, one.second);
}

TEST(CompactBatch, MalformedBatchesAreRefused) {
    Message m = base();
    DeliveryKeys d;
    for (std::size_t key = 0; key < std::size(message_keys); ++key) vary(key, m, d);
    const std::string batch = batch_of({delivered_parts(base(), {}), delivered_parts(m, d)});
    auto status = [](const std::string& part) { return failure_of([&] { compact::read_batch(part); }); };
    expect_damage_refused(batch, status);
    EXPECT_EQ(status(std::string("\x01\0\0\0\0", 5)), status_of(Status::ERR_INVALID)) << "no deliveries";
    // An entry refused refuses the batch, with the entry's status.
    Message bad = base();
    bad.header.scope = static_cast<Scope>(99);
    EXPECT_EQ(status(batch_of({delivered_parts(base(), {}), delivered_parts(bad, {})})), status_of(Status::ERR_SCOPE));
}

// ---------------------------------------------------------------------------------------------
// Packed signals (Peer1.DeliveredPacked, UpdatedPacked)

// The procid and the part come back as they went in, the part unread and whole.
TEST(CompactPacked, ProcidAndPartComeBackWhole) {
    const std::string batch = batch_of({delivered_parts(base(), {})});
    for (const std::string& procid : {std::string("ttbus.0.p12"), std::string(), std::string(300, 'p'), std::string("p\xc3\xa9")}) {
        const std::string packed = compact::packed_head(procid) + batch;
        const compact::Packed read = compact::unpack(packed);
        EXPECT_EQ(read.procid, procid);
        EXPECT_EQ(read.part, batch);
        EXPECT_EQ(compact::read_batch(read.part).size(), 1u);
    }
    EXPECT_EQ(compact::unpack(compact::packed_head("p")).part, "") << "the part is the reader's to refuse";
}

// An answer's two heads (ReplyPacked, FailPacked) come back as they went in, the answer whole.
TEST(CompactPacked, AnAnswersProcidAndIdComeBackWhole) {
    std::string answer;
    compact::append_answer(answer, {{Mode::OUT, "string", std::string("pong")}}, 7, "why");
    std::string packed;
    compact::append_packed_answer_head(packed, "ttbus.0.p12", "3 ttbus.0.p9");
    packed += answer;
    const compact::PackedAnswer read = compact::unpack_answer(packed);
    EXPECT_EQ(read.procid, "ttbus.0.p12");
    EXPECT_EQ(read.id, "3 ttbus.0.p9");
    EXPECT_EQ(read.part, answer);
    EXPECT_EQ(failure_of([&] { compact::unpack_answer(compact::packed_head("ttbus.0.p12")); }), status_of(Status::ERR_INVALID))
        << "an answer without its message id";
}

// A writer that builds a whole packed part in one buffer (libtt) appends the heads to what it holds:
// the same bytes as the heads alone, after it.
TEST(CompactPacked, HeadsAppendedInPlaceAreTheHeadsAlone) {
    std::string out = "kept";
    compact::append_packed_head(out, "ttbus.0.p12");
    EXPECT_EQ(out, "kept" + compact::packed_head("ttbus.0.p12"));
    out = "kept";
    compact::append_packed_answer_head(out, "ttbus.0.p12", "3 ttbus.0.p9");
    EXPECT_EQ(out.substr(0, 4), "kept");
    const std::string appended = out.substr(4);
    const compact::PackedAnswer heads = compact::unpack_answer(appended);
    EXPECT_EQ(heads.procid, "ttbus.0.p12");
    EXPECT_EQ(heads.id, "3 ttbus.0.p9");
    EXPECT_EQ(heads.part, "") << "the heads alone";
}

TEST(CompactPacked, MalformedHeadsAreRefused) {
    const std::string head = compact::packed_head("ttbus.0.p12");
    auto status = [](const std::string& packed) { return failure_of([&] { compact::unpack(packed); }); };
    for (std::size_t n = 0; n < head.size(); ++n) {
        EXPECT_EQ(status(head.substr(0, n)), status_of(Status::ERR_INVALID)) << n << " bytes";
    }
    EXPECT_EQ(status(head), 0);
    for (const std::string& procid : {std::string("p\0q", 3), std::string("p\xc3"), std::string("\xed\xa0\x80")}) {
        std::string packed = head;
        packed.replace(4, std::string::npos, procid);
        packed[0] = static_cast<char>(procid.size());
        EXPECT_EQ(status(packed), status_of(Status::ERR_INVALID)) << "not a bus string";
    }
    EXPECT_EQ(failure_of([] { compact::packed_head(std::string("p\0q", 3)); }), status_of(Status::ERR_INTERNAL))
        << "the broker cannot write it";
}

// The compact reader takes a string exactly when sd-bus would write it: the broker writes the
// same strings again as a{sv} to bus clients and monitors.
TEST(Compact, StringsAreWhatSdBusTakes) {
    const char* samples[] = {
        "", "plain", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbd",
        "\xef\xbf\xbe",              // U+FFFE
        "\xef\xbf\xbf",              // U+FFFF
        "\xef\xb7\x90",              // U+FDD0
        "\xef\xb7\xaf",              // U+FDEF
        "\xef\xb7\xb0",              // U+FDF0
        "\xf0\x9f\xbf\xbe",          // U+1FFFE
        "\xed\x9f\xbf",              // U+D7FF
        "\xed\xa0\x80",              // U+D800
        "\xf4\x90\x80\x80",          // U+110000
        "\xc0\x80", "\xe0\x80\xaf", "\xf0\x80\x80\xaf",  // overlong
        "\x80", "\xc3", "\xe2\x82", "\xf8\x88\x80\x80\x80", "\xff", "a\xc3(",
    };
    Built built([&](sd_bus_message* m) {
        sd_bus* bus = sd_bus_message_get_bus(m);
        for (const char* s : samples) {
            // A message of its own each: a refused append spoils the message.
            sd_bus_message* probe = nullptr;
            ASSERT_GE(sd_bus_message_new_signal(bus, &probe, "/t", "t.T", "S"), 0);
            const bool taken = sd_bus_message_append_basic(probe, 's', s) >= 0;
            sd_bus_message_unref(probe);
            EXPECT_EQ(compact::is_bus_string(s), taken) << "'" << s << "'";
        }
    });
    EXPECT_FALSE(compact::is_bus_string(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace ttbus::protocol
