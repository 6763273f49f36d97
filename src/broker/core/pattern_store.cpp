#include "pattern_store.h"

#include "match.h"

#include <algorithm>
#include <array>
#include <bit>
#include <utility>

namespace ttbus::core {

// The lists of a pattern, as 32-bit words:
//   word 0: a bit per non-empty list (Section), then for each such list in Section order:
//   its count, then per entry
//     string lists: the atom;
//     opnums:       the number;
//     args:         mode, value kind, vtype atom, value payload;
//     contexts:     slot atom, value count, offset of its first value from the count word,
//                   and after all contexts their values as kind, payload.
// A value's payload is the int, or the atom of its bytes.

namespace {

enum Section : int {
    OPS, SESSIONS, FILES, OBJECTS, OTYPES, SENDERS, SENDER_PTYPES, HANDLERS, HANDLER_PTYPES,  // strings
    OPNUMS,
    ARGS,
    CONTEXTS,
    section_count
};
constexpr int string_sections = OPNUMS;
constexpr std::uint32_t arg_words = 4;
constexpr std::uint32_t context_words = 3;
constexpr std::uint32_t value_words = 2;

using Words = std::unique_ptr<std::uint32_t[]>;

// What the matching rules read: a stored pattern with Pattern's member names. The lists point
// at their count words in place; building one per candidate must cost next to nothing.
constexpr std::uint32_t no_entries = 0;  // the count word of every empty list

struct ListAt {
    const std::uint32_t* at = &no_entries;
    const Atoms* atoms = nullptr;
    std::size_t size() const { return at[0]; }
    bool empty() const { return at[0] == 0; }
};

struct AtomList : ListAt {
    std::string_view operator[](std::size_t i) const { return atoms->text(at[1 + i]); }
};

ValueRef value_ref(const Atoms& atoms, std::uint32_t kind, std::uint32_t payload) {
    const auto k = static_cast<ValueRef::Kind>(kind);
    if (k == ValueRef::Kind::INT) return {k, static_cast<std::int32_t>(payload), {}};
    if (k == ValueRef::Kind::BYTES) return {k, 0, atoms.text(payload)};
    return {};
}

struct ArgRef {
    Mode mode;
    std::string_view vtype;
    ValueRef value;
};

struct ArgList : ListAt {
    ArgRef operator[](std::size_t i) const {
        const std::uint32_t* w = at + 1 + i * arg_words;
        return {static_cast<Mode>(w[0]), atoms->text(w[2]), value_ref(*atoms, w[1], w[3])};
    }
};

struct ValueList {
    const Atoms* atoms = nullptr;
    const std::uint32_t* words = nullptr;
    std::uint32_t count = 0;
    std::size_t size() const { return count; }
    bool empty() const { return count == 0; }
    ValueRef operator[](std::size_t i) const {
        return value_ref(*atoms, words[i * value_words], words[i * value_words + 1]);
    }
};

struct ContextRef {
    std::string_view slot;
    ValueList values;
};

struct ContextList : ListAt {
    ContextRef operator[](std::size_t i) const {
        const std::uint32_t* w = at + 1 + i * context_words;
        return {atoms->text(w[0]), ValueList{atoms, at + w[2], w[1]}};
    }
};

struct View {
    EnumSet<Scope> scopes;
    EnumSet<Class> classes;
    EnumSet<State> states;
    EnumSet<Address> addresses;
    EnumSet<Disposition> dispositions;
    AtomList ops, sessions, files, objects, otypes, senders, sender_ptypes, handlers, handler_ptypes;
    ArgList args;
    ContextList contexts;
};

constexpr std::array<std::vector<std::string> Pattern::*, string_sections> pattern_strings = {
    &Pattern::ops,     &Pattern::sessions,      &Pattern::files,    &Pattern::objects,        &Pattern::otypes,
    &Pattern::senders, &Pattern::sender_ptypes, &Pattern::handlers, &Pattern::handler_ptypes,
};
constexpr std::array<AtomList View::*, string_sections> view_strings = {
    &View::ops,     &View::sessions,      &View::files,    &View::objects,        &View::otypes,
    &View::senders, &View::sender_ptypes, &View::handlers, &View::handler_ptypes,
};

std::uint32_t payload_words(int section, const std::uint32_t* at) {
    const std::uint32_t count = at[0];
    if (section == ARGS) return count * arg_words;
    if (section != CONTEXTS) return count;
    std::uint32_t values = 0;
    for (std::uint32_t i = 0; i < count; ++i) values += at[1 + i * context_words + 1];
    return count * context_words + values * value_words;
}

// Where each non-empty list starts (at its count word); null for an empty one.
std::array<const std::uint32_t*, section_count> sections(const std::uint32_t* lists) {
    std::array<const std::uint32_t*, section_count> at{};
    if (lists == nullptr) return at;
    const std::uint32_t* w = lists + 1;
    for (std::uint32_t present = lists[0]; present != 0; present &= present - 1) {
        const int k = std::countr_zero(present);
        at[k] = w;
        w += 1 + payload_words(k, w);
    }
    return at;
}

// A value's kind and payload.
std::pair<std::uint32_t, std::uint32_t> encode_value(const Value& v, Atoms& atoms) {
    if (const auto* i = std::get_if<std::int32_t>(&v)) {
        return {static_cast<std::uint32_t>(ValueRef::Kind::INT), static_cast<std::uint32_t>(*i)};
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
        return {static_cast<std::uint32_t>(ValueRef::Kind::BYTES), atoms.intern(*s)};
    }
    return {static_cast<std::uint32_t>(ValueRef::Kind::UNSET), 0};
}

Value to_value(ValueRef v) {
    if (v.kind == ValueRef::Kind::INT) return v.integer;
    if (v.kind == ValueRef::Kind::BYTES) return std::string(v.bytes);
    return {};
}

Words encode(const Pattern& p, Atoms& atoms) {
    std::vector<std::uint32_t> w{0};
    auto section = [&](int k, std::size_t count) {
        if (count == 0) return false;
        w[0] |= 1u << k;
        w.push_back(static_cast<std::uint32_t>(count));
        return true;
    };
    for (int k = 0; k < string_sections; ++k) {
        const auto& list = p.*pattern_strings[k];
        if (section(k, list.size())) {
            for (const auto& s : list) w.push_back(atoms.intern(s));
        }
    }
    if (section(OPNUMS, p.opnums.size())) {
        for (std::int32_t n : p.opnums) w.push_back(static_cast<std::uint32_t>(n));
    }
    if (section(ARGS, p.args.size())) {
        for (const auto& a : p.args) {
            const auto [kind, payload] = encode_value(a.value, atoms);
            w.insert(w.end(), {static_cast<std::uint32_t>(a.mode), kind, atoms.intern(a.vtype), payload});
        }
    }
    if (section(CONTEXTS, p.contexts.size())) {
        std::size_t offset = 1 + p.contexts.size() * context_words;
        for (const auto& c : p.contexts) {
            w.insert(w.end(), {atoms.intern(c.slot), static_cast<std::uint32_t>(c.values.size()),
                               static_cast<std::uint32_t>(offset)});
            offset += c.values.size() * value_words;
        }
        for (const auto& c : p.contexts) {
            for (const auto& v : c.values) {
                const auto [kind, payload] = encode_value(v, atoms);
                w.insert(w.end(), {kind, payload});
            }
        }
    }
    if (w[0] == 0) return nullptr;
    Words out(new std::uint32_t[w.size()]);
    std::copy(w.begin(), w.end(), out.get());
    return out;
}

void release(const std::uint32_t* lists, Atoms& atoms) {
    const auto at = sections(lists);
    for (int k = 0; k < string_sections; ++k) {
        if (at[k] == nullptr) continue;
        for (std::uint32_t i = 0; i < at[k][0]; ++i) atoms.release(at[k][1 + i]);
    }
    auto release_value = [&](std::uint32_t kind, std::uint32_t payload) {
        if (static_cast<ValueRef::Kind>(kind) == ValueRef::Kind::BYTES) atoms.release(payload);
    };
    if (const std::uint32_t* a = at[ARGS]) {
        for (std::uint32_t i = 0; i < a[0]; ++i) {
            const std::uint32_t* w = a + 1 + i * arg_words;
            atoms.release(w[2]);
            release_value(w[1], w[3]);
        }
    }
    if (const std::uint32_t* c = at[CONTEXTS]) {
        for (std::uint32_t i = 0; i < c[0]; ++i) {
            const std::uint32_t* w = c + 1 + i * context_words;
            atoms.release(w[0]);
            const std::uint32_t* values = c + w[2];
            for (std::uint32_t j = 0; j < w[1]; ++j) release_value(values[j * value_words], values[j * value_words + 1]);
        }
    }
}

View view(const PatternStore::Record& r, const Atoms& atoms) {
    View v;
    v.scopes = r.scopes;
    v.classes = r.classes;
    v.states = r.states;
    v.addresses = r.addresses;
    v.dispositions = r.dispositions;
    if (r.lists == nullptr) return v;
    const std::uint32_t* w = r.lists.get() + 1;
    for (std::uint32_t present = r.lists[0];;) {
        const int k = std::countr_zero(present);
        if (k < string_sections) {
            v.*view_strings[k] = AtomList{{w, &atoms}};
        } else if (k == ARGS) {
            v.args = ArgList{{w, &atoms}};
        } else if (k == CONTEXTS) {
            v.contexts = ContextList{{w, &atoms}};
        }
        present &= present - 1;
        if (present == 0) return v;
        w += 1 + payload_words(k, w);
    }
}

std::size_t id_hash(PatternId id) {
    const std::uint64_t h = id * 0x9E3779B97F4A7C15ull;  // ids are consecutive: spread them
    return static_cast<std::size_t>(h ^ (h >> 32));
}

}  // namespace

std::size_t PatternStore::hash_of(Slot slot) const { return id_hash(records_[slot].id); }

std::vector<AtomId> PatternStore::distinct_ops(const Record& r) const {
    std::vector<AtomId> ops;
    if (const std::uint32_t* at = sections(r.lists.get())[OPS]) ops.assign(at + 1, at + 1 + at[0]);
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    return ops;
}

PatternStore::Slot PatternStore::add(PatternId id, const std::string* owner, std::string_view ptype,
                                     std::uint64_t stamp, const Pattern& pattern) {
    Slot slot = 0;
    if (free_.empty()) {
        slot = static_cast<Slot>(records_.size());
        records_.emplace_back();
    } else {
        slot = free_.back();
        free_.pop_back();
    }
    Record& r = records_[slot];
    r.id = id;
    r.stamp = stamp;
    r.owner = owner;
    r.lists = encode(pattern, atoms_);
    r.category = pattern.category;
    r.scopes = pattern.scopes;
    r.classes = pattern.classes;
    r.states = pattern.states;
    r.addresses = pattern.addresses;
    r.dispositions = pattern.dispositions;
    r.ptype = ptype.empty() ? Atoms::none : atoms_.intern(ptype);
    by_id_.insert(slot, [this](Slot s) { return hash_of(s); });
    const std::vector<AtomId> ops = distinct_ops(r);
    if (ops.empty()) opless_.push_back(slot);
    by_op_.grow_to(atoms_.id_limit());
    for (AtomId op : ops) by_op_[op].push_back(slot);
    return slot;
}

void PatternStore::remove(Slot slot) {
    Record& r = records_[slot];
    const std::vector<AtomId> ops = distinct_ops(r);
    if (ops.empty()) opless_.erase(std::find(opless_.begin(), opless_.end(), slot));
    for (AtomId op : ops) by_op_[op].erase(slot);
    by_id_.erase(slot, [this](Slot s) { return hash_of(s); });
    release(r.lists.get(), atoms_);
    if (r.ptype != Atoms::none) atoms_.release(r.ptype);
    r = Record{};
    free_.push_back(slot);
}

PatternStore::Slot PatternStore::find(PatternId id) const {
    return by_id_.find(id_hash(id), [&](Slot s) { return records_[s].id == id; });
}

Pattern PatternStore::pattern(Slot slot) const {
    const Record& r = records_[slot];
    Pattern p;
    p.category = r.category;
    p.scopes = r.scopes;
    p.classes = r.classes;
    p.states = r.states;
    p.addresses = r.addresses;
    p.dispositions = r.dispositions;
    const View v = view(r, atoms_);
    for (int k = 0; k < string_sections; ++k) {
        const AtomList& list = v.*view_strings[k];
        auto& out = p.*pattern_strings[k];
        for (std::size_t i = 0; i < list.size(); ++i) out.emplace_back(list[i]);
    }
    if (const std::uint32_t* at = sections(r.lists.get())[OPNUMS]) {
        for (std::uint32_t i = 0; i < at[0]; ++i) p.opnums.push_back(static_cast<std::int32_t>(at[1 + i]));
    }
    for (std::size_t i = 0; i < v.args.size(); ++i) {
        const ArgRef a = v.args[i];
        p.args.push_back({a.mode, std::string(a.vtype), to_value(a.value)});
    }
    for (std::size_t i = 0; i < v.contexts.size(); ++i) {
        const ContextRef c = v.contexts[i];
        PatternContext& out = p.contexts.emplace_back();
        out.slot = c.slot;
        for (std::size_t j = 0; j < c.values.size(); ++j) out.values.push_back(to_value(c.values[j]));
    }
    return p;
}

void PatternStore::set_lists(Slot slot, const Pattern& pattern) {
    Record& r = records_[slot];
    Words fresh = encode(pattern, atoms_);  // before releasing, so shared atoms keep their ids
    release(r.lists.get(), atoms_);
    r.lists = std::move(fresh);
}

int PatternStore::score(Slot slot, const MessageBody& body, const MessageHeader& header) const {
    return rules::pattern_score(view(records_[slot], atoms_), body, header);
}

}  // namespace ttbus::core
