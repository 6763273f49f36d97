// The compact pattern store against the plain Pattern it replaces: what goes in comes back out,
// scores agree with pattern_score, candidates come in the engine's scan order, and interned
// strings are freed with the last pattern that used them.
#include "core/atoms.h"
#include "core/match.h"
#include "core/pattern_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace ttbus::core {
namespace {

using namespace std::string_literals;

TEST(Atoms, InternCountsReferences) {
    Atoms atoms;
    const AtomId a = atoms.intern("op");
    EXPECT_NE(a, Atoms::none);
    EXPECT_EQ(atoms.intern("op"), a);
    EXPECT_EQ(atoms.text(a), "op");
    const AtomId empty = atoms.intern("");
    EXPECT_NE(empty, Atoms::none) << "the empty string is a string like any other";
    EXPECT_EQ(atoms.find(""), empty);
    const AtomId nul = atoms.intern("a\0b"s);
    EXPECT_NE(nul, atoms.find("a"));
    EXPECT_EQ(atoms.text(nul), "a\0b"s);
    atoms.release(a);
    EXPECT_EQ(atoms.find("op"), a) << "one reference left";
    atoms.release(a);
    EXPECT_EQ(atoms.find("op"), Atoms::none);
    EXPECT_EQ(atoms.intern("other"), a) << "a freed id is reused";
}

TEST(Atoms, ManyInternsAndReleasesKeepTheIndexConsistent) {
    Atoms atoms;
    constexpr int n = 5000;
    std::vector<AtomId> ids;
    for (int i = 0; i < n; ++i) ids.push_back(atoms.intern("s" + std::to_string(i)));
    // Free every third, in an order unrelated to their places in the index.
    for (int i = n - 1; i >= 0; --i) {
        if (i % 3 == 0) atoms.release(ids[i]);
    }
    for (int i = 0; i < n; ++i) {
        const AtomId found = atoms.find("s" + std::to_string(i));
        if (i % 3 == 0) {
            EXPECT_EQ(found, Atoms::none) << i;
        } else {
            ASSERT_EQ(found, ids[i]) << i;
            EXPECT_EQ(atoms.text(found), "s" + std::to_string(i));
        }
    }
    const std::size_t limit = atoms.id_limit();
    for (int i = 0; i < n / 3; ++i) atoms.intern("t" + std::to_string(i));
    EXPECT_EQ(atoms.id_limit(), limit) << "new strings take the freed ids";
}

// Random patterns and messages drawn from small pools, so that they meet.
class Random {
public:
    explicit Random(unsigned seed) : rng_(seed) {}
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    template <typename T>
    const T& pick(const std::vector<T>& v) { return v[below(static_cast<int>(v.size()))]; }
    std::vector<std::string> strings(const std::vector<std::string>& pool, int max = 2) {
        std::vector<std::string> out(below(max + 1));
        for (auto& s : out) s = pick(pool);
        return out;
    }
    Value value() {
        switch (below(4)) {
        case 0: return {};
        case 1: return std::int32_t{below(3) - 1};
        case 2: return pick(std::vector<std::string>{"", "v", "a\0b"s});
        default: return "0"s;
        }
    }
    template <typename E>
    EnumSet<E> set(int values) {
        return EnumSet<E>::from_bits(static_cast<std::uint32_t>(below(1 << values)) & (below(2) ? ~0u : 0u));
    }

    Pattern pattern() {
        Pattern p;
        p.category = static_cast<Category>(1 + below(4));
        p.scopes = set<Scope>(scope_count);
        p.classes = set<Class>(4);
        p.states = set<State>(10);
        p.addresses = set<Address>(4);
        p.dispositions = set<Disposition>(disposition_count);
        p.ops = strings(ops);
        for (int i = below(3); i > 0; --i) p.opnums.push_back(below(5) - 1);
        p.sessions = strings(sessions);
        p.files = strings(files);
        p.objects = strings(names);
        p.otypes = strings(names);
        p.senders = strings(names);
        p.sender_ptypes = strings(names);
        p.handlers = strings(names);
        p.handler_ptypes = strings(names);
        for (int i = below(3); i > 0; --i) p.args.push_back({static_cast<Mode>(below(4)), pick(vtypes), value()});
        for (int i = below(3); i > 0; --i) {
            PatternContext& c = p.contexts.emplace_back();
            c.slot = pick(slots);
            for (int j = below(3); j > 0; --j) c.values.push_back(value());
        }
        return p;
    }

    Message message() {
        Message m;
        m.body.cls = static_cast<Class>(below(4));
        m.body.address = static_cast<Address>(below(4));
        m.body.op = pick(ops);
        for (int i = below(4); i > 0; --i) m.body.args.push_back({static_cast<Mode>(below(4)), pick(vtypes), value()});
        for (int i = below(3); i > 0; --i) m.body.contexts.push_back({pick(slots), value()});
        normalize_contexts(m.body.contexts);
        m.body.session = pick(sessions);
        m.body.file = pick(files);
        m.body.object = pick(names);
        m.body.otype = pick(names);
        m.body.sender = pick(names);
        m.body.sender_ptype = pick(names);
        m.header.state = static_cast<State>(below(10));
        m.header.scope = static_cast<Scope>(below(scope_count));
        m.header.disposition = static_cast<Disposition>(below(disposition_count));
        m.header.handler = pick(names);
        m.header.handler_ptype = pick(names);
        return m;
    }

    const std::vector<std::string> ops{"", "a", "b", "op\0x"s};
    const std::vector<std::string> sessions{"S1", "S2"};
    const std::vector<std::string> files{"f1", "f2", ""};
    const std::vector<std::string> names{"x", "y"};
    const std::vector<std::string> vtypes{"ALL", "int", "string"};
    const std::vector<std::string> slots{"c1", "c2"};

private:
    std::mt19937 rng_;
};

struct Model {
    PatternId id;
    Pattern pattern;
    std::string ptype;
};

// The engine's scan order: op-less patterns, then those with the op; newest first each.
std::vector<PatternStore::Slot> expected_candidates(const std::map<PatternStore::Slot, Model>& live,
                                                    const std::string& op) {
    std::vector<std::pair<PatternId, PatternStore::Slot>> opless, with_op;
    for (const auto& [slot, m] : live) {
        const auto& ops = m.pattern.ops;
        if (ops.empty()) opless.push_back({m.id, slot});
        if (std::find(ops.begin(), ops.end(), op) != ops.end()) with_op.push_back({m.id, slot});
    }
    std::sort(opless.rbegin(), opless.rend());
    std::sort(with_op.rbegin(), with_op.rend());
    std::vector<PatternStore::Slot> out;
    for (const auto& [id, slot] : opless) out.push_back(slot);
    for (const auto& [id, slot] : with_op) out.push_back(slot);
    return out;
}

void check(const PatternStore& store, const std::map<PatternStore::Slot, Model>& live, Random& r) {
    for (const auto& [slot, m] : live) {
        ASSERT_EQ(store.find(m.id), slot);
        ASSERT_EQ(store.pattern(slot), m.pattern) << "pattern " << m.id;
        EXPECT_EQ(store.ptype(slot), m.ptype);
        EXPECT_EQ(store[slot].id, m.id);
    }
    for (int i = 0; i < 20; ++i) {
        const Message msg = r.message();
        for (const auto& [slot, m] : live) {
            ASSERT_EQ(store.score(slot, msg.body, msg.header), pattern_score(m.pattern, msg.body, msg.header))
                << "pattern " << m.id << " op " << msg.body.op;
        }
    }
    for (const auto& op : r.ops) {
        std::vector<PatternStore::Slot> seen;
        store.for_each_candidate(op, [&](PatternStore::Slot s) { seen.push_back(s); });
        EXPECT_EQ(seen, expected_candidates(live, op)) << "op " << op;
    }
}

TEST(PatternStore, AgreesWithPatternThroughAddsRemovesAndEdits) {
    Random r(20240611);
    PatternStore store;
    std::map<PatternStore::Slot, Model> live;
    std::vector<PatternId> removed;
    const std::string owner = "p1";
    PatternId next_id = 1;
    for (int step = 0; step < 600; ++step) {
        const int what = r.below(10);
        if (what < 6 || live.empty()) {
            Model m{next_id++, r.pattern(), r.below(4) == 0 ? r.pick(r.names) : std::string()};
            const PatternStore::Slot slot = store.add(m.id, &owner, m.ptype, m.id, m.pattern);
            ASSERT_EQ(live.count(slot), 0u) << "a live slot handed out again";
            live.emplace(slot, std::move(m));
        } else if (what < 8) {
            auto it = std::next(live.begin(), r.below(static_cast<int>(live.size())));
            removed.push_back(it->second.id);
            store.remove(it->first);
            live.erase(it);
        } else {
            // As a join or a context change does: new lists, same ops.
            auto it = std::next(live.begin(), r.below(static_cast<int>(live.size())));
            Pattern edited = r.pattern();
            edited.ops = it->second.pattern.ops;
            edited.category = it->second.pattern.category;
            edited.scopes = it->second.pattern.scopes;
            edited.classes = it->second.pattern.classes;
            edited.states = it->second.pattern.states;
            edited.addresses = it->second.pattern.addresses;
            edited.dispositions = it->second.pattern.dispositions;
            store.set_lists(it->first, edited);
            it->second.pattern = std::move(edited);
        }
        if (step % 50 == 0) check(store, live, r);
    }
    check(store, live, r);
    for (PatternId id : removed) EXPECT_EQ(store.find(id), PatternStore::npos);

    for (const auto& [slot, m] : live) store.remove(slot);
    for (const auto* pool : {&r.ops, &r.sessions, &r.files, &r.names, &r.vtypes, &r.slots}) {
        for (const auto& s : *pool) EXPECT_EQ(store.atoms().find(s), Atoms::none) << "still interned: " << s;
    }
    for (const auto& s : {""s, "v"s, "a\0b"s, "0"s}) EXPECT_EQ(store.atoms().find(s), Atoms::none) << s;
}

}  // namespace
}  // namespace ttbus::core
