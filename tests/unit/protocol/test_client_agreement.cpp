// libtt's side of the wire (src/tt-compat/lib/wire.cpp, compiled into this test) against the
// broker's: what libtt writes, the broker reads field for field; what the broker writes in a
// Delivered signal, libtt reads field for field.
#include "built.h"

#include "protocol/wire.h"
#include "wire.h"  // libtt's

#include <gtest/gtest.h>

namespace ttbus::protocol {
namespace {

ttc::Value bytes(const std::string& b) {
    ttc::Value v;
    v.kind = ttc::Value::BYTES;
    v.bytes = b;
    return v;
}

ttc::Value integer(std::int32_t i) {
    ttc::Value v;
    v.kind = ttc::Value::INT;
    v.i = i;
    return v;
}

TEST(ClientAgreement, WhatLibttSendsTheBrokerReads) {
    ttc::WireMessage w;
    w.id = "3 p";
    w.cls = TT_REQUEST;
    w.address = TT_OTYPE;
    w.scope = TT_BOTH;
    w.disposition = static_cast<Tt_disposition>(TT_QUEUE | TT_START);
    w.op = "Display";
    w.args = {{TT_IN, "string", bytes(std::string("a\0b", 3))}, {TT_OUT, "int", integer(-3)}, {TT_INOUT, "x", {}}};
    w.contexts = {{"$F", integer(2)}};
    w.file = "/doc";
    w.object = "obj";
    w.otype = "Doc";
    w.session = "s";
    w.handler = "h";
    w.handler_ptype = "HP";
    w.sender_ptype = "SP";
    w.status = 11;
    w.status_string = "st";
    w.super = true;
    w.sender = "p";  // the broker's to stamp: not sent
    w.state = TT_SENT;
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_message(m, w), 0); });
    Message got;
    read_message(b.get(), got, Party::client);
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
    EXPECT_EQ(got.header.state, State::CREATED);
}

TEST(ClientAgreement, AnUnsetAddressStaysUnset) {
    // tt_message_create leaves the address unset; the broker must see it unset (TT_ERR_ADDRESS
    // from the engine's send checks), not some value.
    ttc::WireMessage w;
    w.cls = TT_NOTICE;
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_message(m, w), 0); });
    Message got;
    read_message(b.get(), got, Party::client);
    EXPECT_EQ(got.body.address, Address::LAST);
}

TEST(ClientAgreement, WhatLibttRegistersTheBrokerReads) {
    ttc::WirePattern w;
    w.category = TT_HANDLE;
    w.scopes = {TT_SESSION, TT_FILE_IN_SESSION};
    w.classes = {TT_NOTICE};
    w.states = {TT_HANDLED};
    w.dispositions = {TT_START};
    w.ops = {"Op"};
    w.opnums = {4, 5};
    w.handler_ptypes = {"HP"};
    w.args = {{TT_IN, "ALL", {}}};
    w.contexts = {{"$C", {integer(1), bytes("v")}}};
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_pattern(m, w), 0); });
    Pattern got;
    read_pattern(b.get(), got);
    Pattern expected;
    expected.category = Category::HANDLE;
    expected.scopes = {Scope::SESSION, Scope::FILE_IN_SESSION};
    expected.classes = {Class::NOTICE};
    expected.states = {State::HANDLED};
    expected.dispositions = {Disposition::START};
    expected.ops = {"Op"};
    expected.opnums = {4, 5};
    expected.handler_ptypes = {"HP"};
    expected.args = {{Mode::IN, "ALL", Value{}}};
    expected.contexts = {{"$C", {std::int32_t{1}, std::string("v")}}};
    EXPECT_EQ(got, expected);
}

TEST(ClientAgreement, WhatLibttAnswersTheBrokerReads) {
    ttc::WireMessage w;
    w.args = {{TT_IN, "int", integer(1)}, {TT_OUT, "string", bytes("out")}};
    w.status = 1536;
    w.status_string = "mine";
    Built b([&](sd_bus_message* m) { ASSERT_GE(ttc::append_answer(m, w), 0); });
    Answer got;
    read_answer(b.get(), got);
    EXPECT_EQ(got.args, (std::vector<Value>{std::int32_t{1}, std::string("out")}));
    EXPECT_EQ(got.status, 1536);
    EXPECT_EQ(got.status_string, "mine");
}

TEST(ClientAgreement, WhatTheBrokerDeliversLibttReads) {
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
        Writer w(m);
        write_message(w, MessageView{body, h}, &delivery, Defaults::omit);
    });
    ttc::WireMessage got;
    ASSERT_GE(ttc::read_message(b.get(), got), 0);
    EXPECT_EQ(got.id, "9 q");
    EXPECT_EQ(got.cls, TT_OFFER);
    EXPECT_EQ(got.address, TT_PROCEDURE);
    EXPECT_EQ(got.op, "Vote");
    ASSERT_EQ(got.args.size(), 1u);
    EXPECT_EQ(got.args[0].mode, TT_IN);
    EXPECT_EQ(got.args[0].value, integer(8));
    ASSERT_EQ(got.contexts.size(), 1u);
    EXPECT_EQ(got.contexts[0].value, bytes("x"));
    EXPECT_EQ(got.file, "/f");
    EXPECT_EQ(got.sender, "q");
    EXPECT_EQ(got.sender_ptype, "SP");
    EXPECT_EQ(got.uid, 10u);
    EXPECT_EQ(got.gid, 20u);
    EXPECT_EQ(got.state, TT_SENT);
    EXPECT_EQ(got.scope, TT_SESSION);
    EXPECT_EQ(got.opnum, 2);
    EXPECT_EQ(got.handler_ptype, "HP");
    EXPECT_EQ(got.status, 5);
    EXPECT_EQ(got.status_string, "start");
    EXPECT_EQ(got.accepters, std::vector<std::string>{"a"});
    EXPECT_EQ(got.pattern, 77u);
    EXPECT_EQ(got.delivery, ttc::DELIVERY_VOTE);
    EXPECT_TRUE(got.start_message);
}

}  // namespace
}  // namespace ttbus::protocol
