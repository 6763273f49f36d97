#include "wire.h"

#include <sys/uio.h>

#include <cstring>

namespace ttbus::protocol {

// ---------------------------------------------------------------------------------------------
// Writing

void Writer::open(char type, const char* contents) {
    check_bus(sd_bus_message_open_container(m_, type, contents), "open a container");
}

void Writer::close() { check_bus(sd_bus_message_close_container(m_), "close a container"); }

void Writer::string(const char* s) {
    check_bus(sd_bus_message_append_basic(m_, 's', s), "append a string");
    size_ += 8 + std::strlen(s);
}

void Writer::int32(std::int32_t v) {
    check_bus(sd_bus_message_append_basic(m_, 'i', &v), "append an int");
    size_ += 8;
}

void Writer::uint32(std::uint32_t v) {
    check_bus(sd_bus_message_append_basic(m_, 'u', &v), "append a uint32");
    size_ += 8;
}

void Writer::uint64(std::uint64_t v) {
    check_bus(sd_bus_message_append_basic(m_, 't', &v), "append a uint64");
    size_ += 8;
}

void Writer::boolean(bool v) {
    int b = v ? 1 : 0;
    check_bus(sd_bus_message_append_basic(m_, 'b', &b), "append a boolean");
    size_ += 8;
}

void Writer::bytes(std::string_view b) {
    check_bus(sd_bus_message_append_array(m_, 'y', b.data(), b.size()), "append bytes");
    size_ += 8 + b.size();
}

void Writer::bytes(std::string_view head, std::string_view rest) {
    const iovec pieces[] = {{const_cast<char*>(head.data()), head.size()}, {const_cast<char*>(rest.data()), rest.size()}};
    check_bus(sd_bus_message_append_array_iovec(m_, 'y', pieces, 2), "append bytes");
    size_ += 8 + head.size() + rest.size();
}

void Writer::strings(const std::vector<std::string>& v) {
    open('a', "s");
    for (const auto& s : v) string(s);
    close();
}

void Writer::expect_signature(const Key& key, const char* signature) {
    if (std::strcmp(key.signature, signature) != 0) {
        throw Failure(Status::ERR_INTERNAL, "key '" + std::string(key.name) + "' has type " + key.signature +
                                                ", not " + signature);
    }
}

void Writer::entry(const char* key, const char* v) {
    entry_with(key, "s", [&] { string(v); });
}
void Writer::entry(const char* key, const std::string& v) { entry(key, v.c_str()); }
void Writer::entry(const char* key, std::int32_t v) {
    entry_with(key, "i", [&] { int32(v); });
}
void Writer::entry(const char* key, std::uint32_t v) {
    entry_with(key, "u", [&] { uint32(v); });
}
void Writer::entry(const char* key, std::uint64_t v) {
    entry_with(key, "t", [&] { uint64(v); });
}
void Writer::entry(const char* key, bool v) {
    entry_with(key, "b", [&] { boolean(v); });
}
void Writer::entry(const char* key, const std::vector<std::string>& v) {
    entry_with(key, "as", [&] { strings(v); });
}
void Writer::entry(const char* key, const std::vector<std::int32_t>& v) {
    entry_with(key, "ai", [&] {
        check_bus(sd_bus_message_append_array(m_, 'i', v.data(), v.size() * sizeof(std::int32_t)), "append ints");
        size_ += 8 + v.size() * sizeof(std::int32_t);
    });
}
void Writer::entry(const char* key, const std::vector<std::uint64_t>& v) {
    entry_with(key, "at", [&] {
        check_bus(sd_bus_message_append_array(m_, 't', v.data(), v.size() * sizeof(std::uint64_t)), "append uint64s");
        size_ += 8 + v.size() * sizeof(std::uint64_t);
    });
}

void Writer::value(const Value& v) {
    if (is_int(v)) {
        uint32(1);
        int32(std::get<std::int32_t>(v));
        bytes({});
    } else if (is_bytes(v)) {
        uint32(2);
        int32(0);
        bytes(std::get<std::string>(v));
    } else {
        uint32(0);
        int32(0);
        bytes({});
    }
}

namespace {

template <typename ArgT>
void write_args(Writer& w, const std::vector<ArgT>& args) {
    w.open('a', "(isuiay)");
    for (const auto& a : args) {
        w.open('r', "isuiay");
        w.int32(static_cast<std::int32_t>(a.mode));
        w.string(a.vtype);
        w.value(a.value);
        w.close();
    }
    w.close();
}

template <typename E>
std::vector<std::int32_t> enum_list(const EnumSet<E>& set, int count) {
    std::vector<std::int32_t> out;
    for (int i = 0; i < count; ++i) {
        if (set.contains(static_cast<E>(i))) out.push_back(i);
    }
    return out;
}

// Writes the entries of one dictionary from its key table: `put(key)` is called for each key that
// goes out, and returns nothing; `is_default(key)` says whether a key holds its default.
struct Entries {
    Writer& w;
    const Key* keys;
    Party by;
    Defaults defaults;

    bool wanted(std::size_t k, bool is_default) const {
        const Direction d = keys[k].direction;
        if (by == Party::client ? d == Direction::out : d == Direction::in_only) return false;
        return !(is_default && keys[k].optional && defaults == Defaults::omit);
    }
    const char* name(std::size_t k) const { return keys[k].name.data(); }
    const char* signature(std::size_t k) const { return keys[k].signature; }

    template <typename T>
    void put(std::size_t k, const T& v, bool is_default) {
        if (wanted(k, is_default)) w.entry(name(k), v);
    }
    void text(std::size_t k, const std::string& v) { put(k, v, v.empty()); }
    void list(std::size_t k, const std::vector<std::string>& v) { put(k, v, v.empty()); }
    template <typename E>
    void enumeration(std::size_t k, E v, bool is_default) { put(k, static_cast<std::int32_t>(v), is_default); }
    template <typename F>
    void with(std::size_t k, bool is_default, F&& write) {
        if (wanted(k, is_default)) w.entry_with(name(k), signature(k), write);
    }
};

}  // namespace

// The key names are NUL-terminated literals (keys.h): name(k) may hand them to sd-bus as they are.
void write_message_entries(Writer& w, const MessageBody& b, const MessageHeader& h, Party by,
                           const DeliveryKeys* delivery, Defaults defaults) {
    using namespace message_key;
    Entries e{w, message_keys, by, defaults};
    e.text(id, b.id);
    e.enumeration(cls, b.cls, b.cls == Class::UNDEFINED);
    // Unset (LAST) is no value: it is what an absent key reads as, and is never written.
    if (b.address != Address::LAST) e.enumeration(address, b.address, false);
    e.enumeration(scope, h.scope, h.scope == Scope::NONE);
    e.enumeration(disposition, h.disposition, h.disposition == Disposition::DISCARD);
    e.text(op, b.op);
    e.with(args, b.args.empty(), [&] { write_args(w, b.args); });
    e.with(contexts, b.contexts.empty(), [&] {
        w.open('a', "(suiay)");
        for (const auto& c : b.contexts) {
            w.open('r', "suiay");
            w.string(c.slot);
            w.value(c.value);
            w.close();
        }
        w.close();
    });
    e.text(file, b.file);
    e.text(object, b.object);
    e.text(otype, b.otype);
    e.text(session, b.session);
    e.text(sender, b.sender);
    e.text(sender_ptype, b.sender_ptype);
    e.put(uid, b.uid, b.uid == 0);
    e.put(gid, b.gid, b.gid == 0);
    e.enumeration(state, h.state, h.state == State::CREATED);
    e.put(opnum, h.opnum, h.opnum == -1);
    e.text(handler, h.handler);
    e.text(handler_ptype, h.handler_ptype);
    e.put(status, h.status, h.status == 0);
    e.text(status_string, h.status_string);
    e.put(super, b.super, !b.super);
    if (b.cls == Class::OFFER) {
        e.list(accepters, h.accepters);
        e.list(rejecters, h.rejecters);
        e.list(abstainers, h.abstainers);
    }
    if (delivery != nullptr) {
        e.put(pattern, delivery->pattern, delivery->pattern == 0);
        e.put(message_key::delivery, delivery->delivery, delivery->delivery == 0);
        e.put(start_message, delivery->start_message, !delivery->start_message);
    }
}

void write_message(Writer& w, const MessageBody& b, const MessageHeader& h, Party by, const DeliveryKeys* delivery,
                   Defaults defaults) {
    w.open('a', "{sv}");
    write_message_entries(w, b, h, by, delivery, defaults);
    w.close();
}

void write_message_entries(Writer& w, const MessageView& m, const DeliveryKeys* delivery, Defaults defaults) {
    write_message_entries(w, *m.body, m.header, Party::broker, delivery, defaults);
}

void write_message(Writer& w, const MessageView& m, const DeliveryKeys* delivery, Defaults defaults) {
    write_message(w, *m.body, m.header, Party::broker, delivery, defaults);
}

void write_pattern_entries(Writer& w, const Pattern& p, Defaults defaults) {
    using namespace pattern_key;
    Entries e{w, pattern_keys, Party::client, defaults};
    auto enums = [&](std::size_t k, const std::vector<std::int32_t>& v) { e.put(k, v, v.empty()); };
    if (p.category != Category::LAST) e.enumeration(category, p.category, false);  // as address above
    enums(scopes, enum_list(p.scopes, scope_count));
    enums(classes, enum_list(p.classes, 4));
    enums(states, enum_list(p.states, 10));
    enums(addresses, enum_list(p.addresses, 4));
    enums(dispositions, enum_list(p.dispositions, disposition_count));
    e.list(ops, p.ops);
    enums(opnums, p.opnums);
    e.list(sessions, p.sessions);
    e.list(files, p.files);
    e.list(objects, p.objects);
    e.list(otypes, p.otypes);
    e.list(senders, p.senders);
    e.list(sender_ptypes, p.sender_ptypes);
    e.list(handlers, p.handlers);
    e.list(handler_ptypes, p.handler_ptypes);
    e.with(args, p.args.empty(), [&] { write_args(w, p.args); });
    e.with(contexts, p.contexts.empty(), [&] {
        w.open('a', "(sa(uiay))");
        for (const auto& c : p.contexts) {
            w.open('r', "sa(uiay)");
            w.string(c.slot);
            w.open('a', "(uiay)");
            for (const auto& v : c.values) {
                w.open('r', "uiay");
                w.value(v);
                w.close();
            }
            w.close();
            w.close();
        }
        w.close();
    });
}

void write_pattern(Writer& w, const Pattern& p, Defaults defaults) {
    w.open('a', "{sv}");
    write_pattern_entries(w, p, defaults);
    w.close();
}

void write_answer(Writer& w, const std::vector<Arg>& args, std::int32_t status, const std::string& status_string) {
    using namespace answer_key;
    Entries e{w, answer_keys, Party::client, Defaults::omit};
    w.open('a', "{sv}");
    e.with(answer_key::args, args.empty(), [&] { write_args(w, args); });
    e.put(answer_key::status, status, status == 0);
    e.text(answer_key::status_string, status_string);
    w.close();
}

// ---------------------------------------------------------------------------------------------
// Errors on sd-bus

int set_error(sd_bus_error* error, const Failure& f) {
    int r = sd_bus_error_set(error, error_name(f.status).c_str(), error_message(f.status, f.what()).c_str());
    return r < 0 ? r : -EIO;
}

void bus_failure(int r, const char* what) {
    throw Failure(Status::ERR_INTERNAL, std::string(what) + ": " + std::strerror(-r));
}

void write_spec_props(Writer& w, const std::vector<SpecProperty>& props) {
    w.open('a', "(saay)");
    for (const auto& p : props) {
        w.open('r', "saay");
        w.string(p.name);
        w.open('a', "ay");
        for (const auto& v : p.values) w.bytes(v);
        w.close();
        w.close();
    }
    w.close();
}

}  // namespace ttbus::protocol
