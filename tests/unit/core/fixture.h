// Shared helpers for the engine tests: build patterns and messages tersely, run events, and
// pick effects apart.
#pragma once

#include "core/engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ttbus::core::test {

inline Pattern make_pattern(Category c, std::initializer_list<Scope> scopes, std::initializer_list<std::string> ops,
                            std::initializer_list<std::string> sessions = {}) {
    Pattern p;
    p.category = c;
    for (Scope s : scopes) p.scopes.add(s);
    p.ops = ops;
    p.sessions = sessions;
    return p;
}

inline Message make_message(Class c, Scope scope, const std::string& op, Address a = Address::PROCEDURE) {
    Message m;
    m.body.cls = c;
    m.body.address = a;
    m.body.op = op;
    m.header.scope = scope;
    return m;
}

inline Arg arg(Mode mode, const std::string& vtype, Value v = {}) { return Arg{mode, vtype, std::move(v)}; }

inline Signature sig(Category c, Scope scope, const std::string& op, std::vector<SignatureArg> args = {},
                     Disposition d = Disposition::DISCARD, std::int32_t opnum = -1) {
    Signature s;
    s.category = c;
    s.scope = scope;
    s.op = op;
    s.args = std::move(args);
    s.disposition = d;
    s.opnum = opnum;
    return s;
}

class EngineTest : public ::testing::Test {
protected:
    explicit EngineTest(EngineOptions options = {}) : engine(std::move(options)) {}
    Engine engine;
    Effects fx;

    void SetUp() override {
        ASSERT_EQ(engine.session_create("S1"), Status::OK);
        ASSERT_EQ(engine.session_create("S2"), Status::OK);
    }

    std::string open(const std::string& session = "S1", const std::string& token = {}) {
        std::string id;
        EXPECT_EQ(engine.open(OpenRequest{session, 1000, 100, token}, fx, &id), Status::OK);
        return id;
    }
    // A procid joined to S1 with one pattern registered before the join, the usual order.
    std::string open_with(const Pattern& p, const std::string& session = "S1", PatternId* ret = nullptr) {
        std::string id = open(session);
        PatternId pid = 0;
        EXPECT_EQ(engine.pattern_register(id, p, &pid), Status::OK);
        EXPECT_EQ(engine.session_join(id, session, fx), Status::OK);
        if (ret) *ret = pid;
        return id;
    }
    std::string send(const std::string& procid, const Message& m) {
        std::string id;
        EXPECT_EQ(engine.send(procid, m, fx, &id), Status::OK);
        return id;
    }
    void load(std::vector<Ptype> ptypes, std::vector<Otype> otypes = {}) {
        engine.set_types(TypeDb::build(std::move(ptypes), std::move(otypes)));
    }

    template <typename T>
    std::vector<T> all() const {
        std::vector<T> out;
        for (const auto& e : fx) {
            if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
        }
        return out;
    }
    std::vector<Delivery> deliveries_to(const std::string& procid) const {
        std::vector<Delivery> out;
        for (const auto& d : all<Delivery>()) {
            if (d.procid == procid) out.push_back(d);
        }
        return out;
    }
    std::vector<State> states_seen_by(const std::string& procid) const {
        std::vector<State> out;
        for (const auto& u : all<Update>()) {
            if (u.procid == procid) out.push_back(u.message.header.state);
        }
        return out;
    }
    // The last update a sender got, which must exist.
    Update last_update(const std::string& procid) const {
        std::vector<Update> ups;
        for (const auto& u : all<Update>()) {
            if (u.procid == procid) ups.push_back(u);
        }
        EXPECT_FALSE(ups.empty());
        return ups.empty() ? Update{} : ups.back();
    }
    std::size_t count_handle(const std::string& procid) const {
        std::size_t n = 0;
        for (const auto& d : deliveries_to(procid)) n += d.kind == DeliveryKind::HANDLE;
        return n;
    }
    std::size_t count_observe(const std::string& procid) const {
        std::size_t n = 0;
        for (const auto& d : deliveries_to(procid)) n += d.kind == DeliveryKind::OBSERVE;
        return n;
    }
};

}  // namespace ttbus::core::test
