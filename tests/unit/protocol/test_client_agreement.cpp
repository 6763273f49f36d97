// libtt's side of the wire (src/tt-compat/lib/wire.cpp, compiled into this test) against the
// broker's: libtt keeps the protocol's types and writes them as a client (its keys only, defaults
// left out); the broker reads them field for field. What the broker writes in a Delivered signal,
// libtt reads field for field. Both in the a{sv} form and in the compact form of the peer link.
#include "built.h"

#include "protocol/compact.h"
#include "protocol/wire.h"
#include "wire.h"  // libtt's

#include <gtest/gtest.h>

namespace ttbus::protocol {
namespace {

// The form under test: the a{sv} one (false) or the compact one (true).
class ClientAgreement : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Forms, ClientAgreement, ::testing::Bool());

// What the broker's entry reads from a Send libtt built.
Message sent_as_read(const Message& w, bool compact) {
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_message(m, w, compact), 0); });
    Message got;
    if (compact) {
        compact::read_message(read_bytes(b.get()), got, Party::client);
    } else {
        read_message(b.get(), got, Party::client);
    }
    return got;
}

TEST_P(ClientAgreement, WhatLibttSendsTheBrokerReads) {
    Message w;
    w.body.id = "3 p";
    w.body.cls = Class::REQUEST;
    w.body.address = Address::OTYPE;
    w.header.scope = Scope::BOTH;
    w.header.disposition = static_cast<Disposition>(TT_QUEUE | TT_START);
    w.body.op = "Display";
    w.body.args = {{Mode::IN, "string", std::string("a\0b", 3)}, {Mode::OUT, "int", std::int32_t{-3}},
                   {Mode::INOUT, "x", Value{}}};
    w.body.contexts = {{"$F", std::int32_t{2}}};
    w.body.file = "/doc";
    w.body.object = "obj";
    w.body.otype = "Doc";
    w.body.session = "s";
    w.header.handler = "h";
    w.header.handler_ptype = "HP";
    w.body.sender_ptype = "SP";
    w.header.status = 11;
    w.header.status_string = "st";
    w.body.super = true;
    // The broker's to stamp: not sent.
    w.body.sender = "p";
    w.body.uid = 7;
    w.header.state = State::SENT;
    w.header.opnum = 3;
    const Message got = sent_as_read(w, GetParam());
    EXPECT_EQ(got.body.id, "3 p");
    EXPECT_EQ(got.body.cls, Class::REQUEST);
    EXPECT_EQ(got.body.address, Address::OTYPE);
    EXPECT_EQ(got.header.scope, Scope::BOTH);
    EXPECT_EQ(got.header.disposition, static_cast<Disposition>(3));
    EXPECT_EQ(got.body.op, "Display");
    EXPECT_EQ(got.body.args, (std::vector<Arg>{{Mode::IN, "string", std::string("a\0b", 3)},
                                               {Mode::OUT, "int", std::int32_t{-3}},
                                               {Mode::INOUT, "x", Value{}}}));
    EXPECT_EQ(got.body.contexts, (std::vector<Context>{{"$F", std::int32_t{2}}}));
    EXPECT_EQ(got.body.file, "/doc");
    EXPECT_EQ(got.body.object, "obj");
    EXPECT_EQ(got.body.otype, "Doc");
    EXPECT_EQ(got.body.session, "s");
    EXPECT_EQ(got.header.handler, "h");
    EXPECT_EQ(got.header.handler_ptype, "HP");
    EXPECT_EQ(got.body.sender_ptype, "SP");
    EXPECT_EQ(got.header.status, 11);
    EXPECT_EQ(got.header.status_string, "st");
    EXPECT_TRUE(got.body.super);
    EXPECT_EQ(got.body.sender, "");
    EXPECT_EQ(got.body.uid, 0u);
    EXPECT_EQ(got.header.state, State::CREATED);
    EXPECT_EQ(got.header.opnum, -1);
}

TEST_P(ClientAgreement, AnUnsetAddressStaysUnset) {
    // tt_message_create leaves the address unset; the broker must see it unset (TT_ERR_ADDRESS
    // from the engine's send checks), not some value.
    Message w;
    w.body.cls = Class::NOTICE;
    EXPECT_EQ(sent_as_read(w, GetParam()).body.address, Address::LAST);
}

TEST(ClientAgreementDictionary, WhatLibttRegistersTheBrokerReads) {
    Pattern sent;
    sent.category = Category::HANDLE;
    sent.scopes = {Scope::SESSION, Scope::FILE_IN_SESSION};
    sent.classes = {Class::NOTICE};
    sent.states = {State::HANDLED};
    sent.dispositions = {Disposition::START};
    sent.ops = {"Op"};
    sent.opnums = {4, 5};
    sent.handler_ptypes = {"HP"};
    sent.args = {{Mode::IN, "ALL", Value{}}};
    sent.contexts = {{"$C", {std::int32_t{1}, std::string("v")}}};
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_pattern(m, sent), 0); });
    Pattern got;
    read_pattern(b.get(), got);
    EXPECT_EQ(got, sent);
}

TEST_P(ClientAgreement, WhatLibttAnswersTheBrokerReads) {
    Message w;
    w.body.args = {{Mode::IN, "int", std::int32_t{1}}, {Mode::OUT, "string", std::string("out")}};
    w.header.status = 1536;
    w.header.status_string = "mine";
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_answer(m, w, GetParam()), 0); });
    Answer got;
    if (GetParam()) {
        compact::read_answer(read_bytes(b.get()), got);
    } else {
        read_answer(b.get(), got);
    }
    EXPECT_EQ(got.args, (std::vector<Value>{std::int32_t{1}, std::string("out")}));
    EXPECT_EQ(got.status, 1536);
    EXPECT_EQ(got.status_string, "mine");
}

TEST(ClientAgreementDictionary, WhatLibttOpensWithTheBrokerReads) {
    const std::span<const Key> keys = open_keys;
    Built with_token([&](sd_bus_message* m) { ASSERT_GE(ttc::append_open_options(m, "s1", "t0k"), 0); });
    std::string values[2];
    read_string_options(with_token.get(), keys, values);
    EXPECT_EQ(values[0], "s1");
    EXPECT_EQ(values[1], "t0k");
    // Without a token the key is left out, not sent empty.
    Built without([&](sd_bus_message* m) { ASSERT_GE(ttc::append_open_options(m, "s2", nullptr), 0); });
    std::string again[2] = {"", "unchanged"};
    read_string_options(without.get(), keys, again);
    EXPECT_EQ(again[0], "s2");
    EXPECT_EQ(again[1], "unchanged");
}

TEST_P(ClientAgreement, WhatTheBrokerDeliversLibttReads) {
    auto body = std::make_shared<MessageBody>();
    body->id = "9 q";
    body->cls = Class::OFFER;
    body->address = Address::PROCEDURE;
    body->op = "Vote";
    body->args = {{Mode::IN, "int", std::int32_t{8}}};
    body->contexts = {{"$S", std::string("x")}};
    body->file = "/f";
    body->sender = "q";
    body->sender_ptype = "SP";
    body->uid = 10;
    body->gid = 20;
    MessageHeader h;
    h.state = State::SENT;
    h.scope = Scope::SESSION;
    h.opnum = 2;
    h.handler_ptype = "HP";
    h.status = 5;
    h.status_string = "start";
    h.accepters = {"a"};
    const DeliveryKeys delivery{77, static_cast<std::uint32_t>(Delivery::vote), true};
    Built b([&](sd_bus_message* m) {
        if (GetParam()) {  // as the broker's effect sink writes DeliveredCompact
            std::string delivery_part;
            std::string body_part;
            compact::append_delivery(delivery_part, delivery, h, body->cls);
            compact::append_body(body_part, *body);
            Writer(m).bytes(delivery_part);
            Writer(m).bytes(body_part);
        } else {
            Writer w(m);
            write_message(w, MessageView{body, h}, &delivery, Defaults::omit);
        }
    });
    Message got;
    DeliveryKeys got_delivery;
    if (GetParam()) {
        ASSERT_GE(ttc::read_delivered(b.get(), got, got_delivery), 0);
    } else {
        ASSERT_GE(ttc::read_message(b.get(), got, got_delivery), 0);
    }
    EXPECT_EQ(got.body.id, "9 q");
    EXPECT_EQ(got.body.cls, Class::OFFER);
    EXPECT_EQ(got.body.address, Address::PROCEDURE);
    EXPECT_EQ(got.body.op, "Vote");
    EXPECT_EQ(got.body.args, (std::vector<Arg>{{Mode::IN, "int", std::int32_t{8}}}));
    EXPECT_EQ(got.body.contexts, (std::vector<Context>{{"$S", std::string("x")}}));
    EXPECT_EQ(got.body.file, "/f");
    EXPECT_EQ(got.body.sender, "q");
    EXPECT_EQ(got.body.sender_ptype, "SP");
    EXPECT_EQ(got.body.uid, 10u);
    EXPECT_EQ(got.body.gid, 20u);
    EXPECT_EQ(got.header.state, State::SENT);
    EXPECT_EQ(got.header.scope, Scope::SESSION);
    EXPECT_EQ(got.header.opnum, 2);
    EXPECT_EQ(got.header.handler_ptype, "HP");
    EXPECT_EQ(got.header.status, 5);
    EXPECT_EQ(got.header.status_string, "start");
    EXPECT_EQ(got.header.accepters, std::vector<std::string>{"a"});
    EXPECT_EQ(got_delivery.pattern, 77u);
    EXPECT_EQ(got_delivery.delivery, static_cast<std::uint32_t>(Delivery::vote));
    EXPECT_TRUE(got_delivery.start_message);
}

TEST(ClientAgreementDictionary, WhatTheBrokerListsLibttReads) {
    // Broker1.ProcidInfo as the broker writes it (Writer::entry with the table's keys), read the
    // way tt_procid_session reads it; a mistyped key makes the read fail (TT_ERR_INTERNAL there).
    Built b([](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.entry(procid_info_keys[procid_info_key::procid], "p1");
        w.entry(procid_info_keys[procid_info_key::session], "s1");
        w.entry(procid_info_keys[procid_info_key::patterns], std::vector<std::uint64_t>{4});
        w.close();
    });
    std::string session;
    EXPECT_EQ(ttc::read_entries(b.get(), procid_info_keys, [&](std::size_t key) {
                  if (key != procid_info_key::session) return false;
                  session = read_string(b.get());
                  return true;
              }),
              0);
    EXPECT_EQ(session, "s1");
    Built mistyped([](sd_bus_message* m) {
        Writer w(m);
        w.open('a', "{sv}");
        w.entry("session", std::uint32_t{1});
        w.close();
    });
    EXPECT_LT(ttc::read_entries(mistyped.get(), procid_info_keys, [](std::size_t) { return false; }), 0);
}

}  // namespace
}  // namespace ttbus::protocol
