#include "wire.h"

#include <cstring>
#include <iterator>

namespace ttbus::dbus {

using core::Status;

namespace {

// sd-bus checked the method's signature before the call reached us, and every variant's type is
// compared with the expected one before it is entered: a read that fails here is a malformed
// message all the same.
[[noreturn]] void malformed(int r, const char* what) {
    throw Failure(Status::ERR_INVALID, std::string("malformed ") + what + ": " + std::strerror(-r));
}

bool enter(sd_bus_message* m, char type, const char* contents) {
    int r = sd_bus_message_enter_container(m, type, contents);
    if (r < 0) malformed(r, contents);
    return r > 0;
}

void leave(sd_bus_message* m) {
    int r = sd_bus_message_exit_container(m);
    if (r < 0) malformed(r, "container");
}

template <typename T>
T basic(sd_bus_message* m, char type) {
    T v{};
    int r = sd_bus_message_read_basic(m, type, &v);
    if (r <= 0) malformed(r == 0 ? -EBADMSG : r, "value");
    return v;
}

std::int32_t read_int32(sd_bus_message* m) { return basic<std::int32_t>(m, 'i'); }
bool read_bool(sd_bus_message* m) { return basic<int>(m, 'b') != 0; }

// Range-checked enums: an out-of-range value is the enum's own error, before any bit is shifted.
template <typename E>
E enum_value(std::int32_t v, Status error, const char* what) {
    if (!core::valid(static_cast<E>(v))) {
        throw Failure(error, std::string(what) + " " + std::to_string(v) + " is out of range");
    }
    return static_cast<E>(v);
}

template <typename E>
core::EnumSet<E> read_enum_set(sd_bus_message* m, Status error, const char* what) {
    const void* p = nullptr;
    std::size_t size = 0;
    int r = sd_bus_message_read_array(m, 'i', &p, &size);
    if (r < 0) malformed(r, "ai");
    core::EnumSet<E> set;
    const auto* v = static_cast<const std::int32_t*>(p);
    for (std::size_t i = 0; i < size / sizeof(std::int32_t); ++i) set.add(enum_value<E>(v[i], error, what));
    return set;
}

std::vector<std::int32_t> read_ints(sd_bus_message* m) {
    const void* p = nullptr;
    std::size_t size = 0;
    int r = sd_bus_message_read_array(m, 'i', &p, &size);
    if (r < 0) malformed(r, "ai");
    const auto* v = static_cast<const std::int32_t*>(p);
    return std::vector<std::int32_t>(v, v + size / sizeof(std::int32_t));
}

std::vector<std::string> read_strings(sd_bus_message* m, std::size_t& bytes) {
    std::vector<std::string> out;
    enter(m, 'a', "s");
    for (;;) {
        const char* s = nullptr;
        int r = sd_bus_message_read_basic(m, 's', &s);
        if (r < 0) malformed(r, "as");
        if (r == 0) break;
        out.emplace_back(s);
        bytes += out.back().size();
    }
    leave(m);
    return out;
}

// The fields (u kind, i int, ay bytes) of a value, at the current position of an entered struct.
core::Value value_fields(sd_bus_message* m, std::size_t& bytes) {
    const std::uint32_t kind = read_uint32(m);
    const std::int32_t i = read_int32(m);
    const std::string_view b = read_bytes(m);
    bytes += b.size();
    switch (kind) {
    case 0:
        if (i != 0 || !b.empty()) throw Failure(Status::ERR_INVALID, "an unset value carries data");
        return {};
    case 1:
        if (!b.empty()) throw Failure(Status::ERR_INVALID, "an int value carries bytes");
        return i;
    case 2:
        if (i != 0) throw Failure(Status::ERR_INVALID, "a bytes value carries an int");
        return std::string(b);
    default:
        throw Failure(Status::ERR_INVALID, "value kind " + std::to_string(kind) + " is not 0, 1 or 2");
    }
}

// a(isuiay): calls `add(mode, vtype, value)` for each arg.
template <typename F>
void read_args(sd_bus_message* m, std::size_t& bytes, F&& add) {
    enter(m, 'a', "(isuiay)");
    std::size_t count = 0;
    while (enter(m, 'r', "isuiay")) {
        if (++count > max_args) {
            throw Failure(Status::ERR_OVERFLOW, "more than " + std::to_string(max_args) + " args; the limit is " +
                                                    std::to_string(max_args));
        }
        const core::Mode mode = enum_value<core::Mode>(read_int32(m), Status::ERR_MODE, "mode");
        const char* vtype = read_string(m);
        bytes += std::strlen(vtype);
        core::Value value = value_fields(m, bytes);
        leave(m);
        add(mode, vtype, std::move(value));
    }
    leave(m);
}

void check_size(std::size_t bytes) {
    if (bytes > max_message_bytes) {
        throw Failure(Status::ERR_OVERFLOW, std::to_string(bytes) + " bytes; the limit is " +
                                                std::to_string(max_message_bytes));
    }
}

// The keys of one kind of a{sv}. A key the broker sets itself may be `ignored`: accepted with its
// type (a received message may be sent back) and skipped.
struct Key {
    const char* name;
    const char* signature;
    bool ignored = false;
};

// Reads an a{sv} whose keys are the n (at most 64) `keys`, calling `f(index)` with the value of
// keys[index] entered. Unknown, repeated and mistyped keys are TT_ERR_INVALID. Keys are compared as
// C strings where they lie in the message: no string is made for a key.
template <typename F>
void read_dict(sd_bus_message* m, const Key* keys, std::size_t n, F&& f) {
    enter(m, 'a', "{sv}");
    std::uint64_t seen = 0;
    while (enter(m, 'e', "sv")) {
        const char* key = read_string(m);
        std::size_t i = 0;
        while (i < n && (keys[i].name[0] != key[0] || std::strcmp(keys[i].name, key) != 0)) ++i;
        if (i == n) throw Failure(Status::ERR_INVALID, std::string("unknown key '") + key + "'");
        const std::uint64_t bit = std::uint64_t{1} << i;
        if (seen & bit) throw Failure(Status::ERR_INVALID, std::string("key '") + key + "' appears twice");
        seen |= bit;
        // Entering with the expected signature checks the type; only a mismatch pays for a peek.
        int r = sd_bus_message_enter_container(m, 'v', keys[i].signature);
        if (r <= 0) {
            char type = 0;
            const char* contents = nullptr;
            if (sd_bus_message_peek_type(m, &type, &contents) <= 0 || type != 'v' || contents == nullptr) {
                malformed(r < 0 ? r : -EBADMSG, "a{sv}");
            }
            throw Failure(Status::ERR_INVALID, std::string("key '") + key + "' has type " + contents + ", expected " +
                                                   keys[i].signature);
        }
        if (keys[i].ignored) {
            r = sd_bus_message_skip(m, keys[i].signature);
            if (r < 0) malformed(r, key);
        } else {
            f(i);
        }
        leave(m);
        leave(m);
    }
    leave(m);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Reading

const char* read_string(sd_bus_message* m) { return basic<const char*>(m, 's'); }
std::uint32_t read_uint32(sd_bus_message* m) { return basic<std::uint32_t>(m, 'u'); }
std::uint64_t read_uint64(sd_bus_message* m) { return basic<std::uint64_t>(m, 't'); }

std::string_view read_bytes(sd_bus_message* m) {
    const void* p = nullptr;
    std::size_t size = 0;
    int r = sd_bus_message_read_array(m, 'y', &p, &size);
    if (r < 0) malformed(r, "ay");
    return size == 0 ? std::string_view() : std::string_view(static_cast<const char*>(p), size);
}

core::Value read_value(sd_bus_message* m) {
    std::size_t bytes = 0;
    enter(m, 'r', "uiay");
    core::Value v = value_fields(m, bytes);
    leave(m);
    return v;
}

namespace {

enum MessageKey {
    M_ID, M_CLASS, M_ADDRESS, M_SCOPE, M_DISPOSITION, M_OP, M_ARGS, M_CONTEXTS, M_FILE, M_OBJECT, M_OTYPE,
    M_SESSION, M_HANDLER, M_HANDLER_PTYPE, M_SENDER_PTYPE, M_STATUS, M_STATUS_STRING, M_SUPER,
};

// In the order of the keys a message arrives with most often, so that the search is short.
constexpr Key message_keys[] = {
    {"id", "s"},
    {"class", "i"},
    {"address", "i"},
    {"scope", "i"},
    {"disposition", "i"},
    {"op", "s"},
    {"args", "a(isuiay)"},
    {"contexts", "a(suiay)"},
    {"file", "s"},
    {"object", "s"},
    {"otype", "s"},
    {"session", "s"},
    {"handler", "s"},
    {"handler_ptype", "s"},
    {"sender_ptype", "s"},
    {"status", "i"},
    {"status_string", "s"},
    {"super", "b"},
    // Set by the broker: accepted and ignored.
    {"sender", "s", true},
    {"uid", "u", true},
    {"gid", "u", true},
    {"state", "i", true},
    {"opnum", "i", true},
    {"accepters", "as", true},
    {"rejecters", "as", true},
    {"abstainers", "as", true},
    {"pattern", "t", true},
    {"delivery", "u", true},
    {"start_message", "b", true},
};

}  // namespace

void read_message(sd_bus_message* m, core::Message& out) {
    auto& b = out.body;
    auto& h = out.header;
    std::size_t bytes = 0;
    auto str = [&](std::string& to) {
        to = read_string(m);
        bytes += to.size();
    };
    read_dict(m, message_keys, std::size(message_keys), [&](std::size_t key) {
        switch (key) {
        case M_ID: str(b.id); break;
        case M_CLASS: b.cls = enum_value<core::Class>(read_int32(m), Status::ERR_CLASS, "class"); break;
        case M_ADDRESS: b.address = enum_value<core::Address>(read_int32(m), Status::ERR_ADDRESS, "address"); break;
        case M_SCOPE: h.scope = enum_value<core::Scope>(read_int32(m), Status::ERR_SCOPE, "scope"); break;
        case M_DISPOSITION:
            h.disposition = enum_value<core::Disposition>(read_int32(m), Status::ERR_DISPOSITION, "disposition");
            break;
        case M_OP: str(b.op); break;
        case M_ARGS:
            read_args(m, bytes, [&](core::Mode mode, const char* vtype, core::Value v) {
                b.args.push_back({mode, vtype, std::move(v)});
            });
            break;
        case M_CONTEXTS:
            enter(m, 'a', "(suiay)");
            while (enter(m, 'r', "suiay")) {
                core::Context c;
                str(c.slot);
                c.value = value_fields(m, bytes);
                leave(m);
                b.contexts.push_back(std::move(c));
            }
            leave(m);
            break;
        case M_FILE:
            str(b.file);
            if (!b.file.empty() && b.file[0] != '/') {
                throw Failure(Status::ERR_PATH, "file '" + b.file + "' is not an absolute path");
            }
            break;
        case M_OBJECT: str(b.object); break;
        case M_OTYPE: str(b.otype); break;
        case M_SESSION: str(b.session); break;
        case M_HANDLER: str(h.handler); break;
        case M_HANDLER_PTYPE: str(h.handler_ptype); break;
        case M_SENDER_PTYPE: str(b.sender_ptype); break;
        case M_STATUS: h.status = read_int32(m); break;
        case M_STATUS_STRING: str(h.status_string); break;
        case M_SUPER: b.super = read_bool(m); break;
        default: break;
        }
    });
    check_size(bytes);
}

namespace {

enum PatternKey {
    P_CATEGORY, P_SCOPES, P_CLASSES, P_STATES, P_ADDRESSES, P_DISPOSITIONS, P_OPS, P_OPNUMS, P_SESSIONS,
    P_FILES, P_OBJECTS, P_OTYPES, P_SENDERS, P_SENDER_PTYPES, P_HANDLERS, P_HANDLER_PTYPES, P_ARGS, P_CONTEXTS,
};

constexpr Key pattern_keys[] = {
    {"category", "i"}, {"scopes", "ai"}, {"classes", "ai"}, {"states", "ai"}, {"addresses", "ai"},
    {"dispositions", "ai"}, {"ops", "as"}, {"opnums", "ai"}, {"sessions", "as"}, {"files", "as"},
    {"objects", "as"}, {"otypes", "as"}, {"senders", "as"}, {"sender_ptypes", "as"}, {"handlers", "as"},
    {"handler_ptypes", "as"}, {"args", "a(isuiay)"}, {"contexts", "a(sa(uiay))"},
};

}  // namespace

void read_pattern(sd_bus_message* m, core::Pattern& p) {
    std::size_t bytes = 0;
    read_dict(m, pattern_keys, std::size(pattern_keys), [&](std::size_t key) {
        switch (key) {
        case P_CATEGORY:
            p.category = enum_value<core::Category>(read_int32(m), Status::ERR_CATEGORY, "category");
            break;
        case P_SCOPES: p.scopes = read_enum_set<core::Scope>(m, Status::ERR_SCOPE, "scope"); break;
        case P_CLASSES: p.classes = read_enum_set<core::Class>(m, Status::ERR_CLASS, "class"); break;
        case P_STATES: p.states = read_enum_set<core::State>(m, Status::ERR_INVALID, "state"); break;
        case P_ADDRESSES: p.addresses = read_enum_set<core::Address>(m, Status::ERR_ADDRESS, "address"); break;
        case P_DISPOSITIONS:
            p.dispositions = read_enum_set<core::Disposition>(m, Status::ERR_DISPOSITION, "disposition");
            break;
        case P_OPS: p.ops = read_strings(m, bytes); break;
        case P_OPNUMS: p.opnums = read_ints(m); break;
        case P_SESSIONS: p.sessions = read_strings(m, bytes); break;
        case P_FILES: p.files = read_strings(m, bytes); break;
        case P_OBJECTS: p.objects = read_strings(m, bytes); break;
        case P_OTYPES: p.otypes = read_strings(m, bytes); break;
        case P_SENDERS: p.senders = read_strings(m, bytes); break;
        case P_SENDER_PTYPES: p.sender_ptypes = read_strings(m, bytes); break;
        case P_HANDLERS: p.handlers = read_strings(m, bytes); break;
        case P_HANDLER_PTYPES: p.handler_ptypes = read_strings(m, bytes); break;
        case P_ARGS:
            read_args(m, bytes, [&](core::Mode mode, const char* vtype, core::Value v) {
                p.args.push_back({mode, vtype, std::move(v)});
            });
            break;
        case P_CONTEXTS:
            enter(m, 'a', "(sa(uiay))");
            while (enter(m, 'r', "sa(uiay)")) {
                core::PatternContext pc;
                pc.slot = read_string(m);
                bytes += pc.slot.size();
                enter(m, 'a', "(uiay)");
                while (enter(m, 'r', "uiay")) {
                    pc.values.push_back(value_fields(m, bytes));
                    leave(m);
                }
                leave(m);
                leave(m);
                p.contexts.push_back(std::move(pc));
            }
            leave(m);
            break;
        default: break;
        }
    });
    check_size(bytes);
}

void read_answer(sd_bus_message* m, core::Answer& a) {
    static constexpr Key keys[] = {{"args", "a(isuiay)"}, {"status", "i"}, {"status_string", "s"}};
    std::size_t bytes = 0;
    read_dict(m, keys, std::size(keys), [&](std::size_t key) {
        switch (key) {
        case 0:
            read_args(m, bytes, [&](core::Mode, const char*, core::Value v) { a.args.push_back(std::move(v)); });
            break;
        case 1: a.status = read_int32(m); break;
        default:
            a.status_string = read_string(m);
            bytes += a.status_string.size();
            break;
        }
    });
    check_size(bytes);
}

void read_string_options(sd_bus_message* m, std::initializer_list<const char*> names, std::string* values) {
    std::vector<Key> keys;
    for (const char* name : names) keys.push_back(Key{name, "s"});
    read_dict(m, keys.data(), keys.size(), [&](std::size_t key) { values[key] = read_string(m); });
}

// ---------------------------------------------------------------------------------------------
// Writing

void Writer::open(char type, const char* contents) {
    check_bus(sd_bus_message_open_container(m_, type, contents), "open a container");
}

void Writer::close() { check_bus(sd_bus_message_close_container(m_), "close a container"); }

void Writer::string(const char* s) { check_bus(sd_bus_message_append_basic(m_, 's', s), "append a string"); }

void Writer::int32(std::int32_t v) { check_bus(sd_bus_message_append_basic(m_, 'i', &v), "append an int"); }

void Writer::uint32(std::uint32_t v) { check_bus(sd_bus_message_append_basic(m_, 'u', &v), "append a uint32"); }

void Writer::uint64(std::uint64_t v) { check_bus(sd_bus_message_append_basic(m_, 't', &v), "append a uint64"); }

void Writer::boolean(bool v) {
    int b = v ? 1 : 0;
    check_bus(sd_bus_message_append_basic(m_, 'b', &b), "append a boolean");
}

void Writer::bytes(std::string_view b) {
    check_bus(sd_bus_message_append_array(m_, 'y', b.data(), b.size()), "append bytes");
}

void Writer::strings(const std::vector<std::string>& v) {
    open('a', "s");
    for (const auto& s : v) string(s);
    close();
}

void Writer::value(const core::Value& v) {
    if (core::is_int(v)) {
        uint32(1);
        int32(std::get<std::int32_t>(v));
        bytes({});
    } else if (core::is_bytes(v)) {
        uint32(2);
        int32(0);
        bytes(std::get<std::string>(v));
    } else {
        uint32(0);
        int32(0);
        bytes({});
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
    });
}
void Writer::entry(const char* key, const std::vector<std::uint64_t>& v) {
    entry_with(key, "at", [&] {
        check_bus(sd_bus_message_append_array(m_, 't', v.data(), v.size() * sizeof(std::uint64_t)), "append uint64s");
    });
}

namespace {

void write_args(Writer& w, const std::vector<core::Arg>& args) {
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
std::vector<std::int32_t> enum_list(const core::EnumSet<E>& set, int count) {
    std::vector<std::int32_t> out;
    for (int i = 0; i < count; ++i) {
        if (set.contains(static_cast<E>(i))) out.push_back(i);
    }
    return out;
}

}  // namespace

void write_message_entries(Writer& w, const core::MessageView& m, const DeliveryKeys* delivery, Defaults defaults) {
    const auto& b = *m.body;
    const auto& h = m.header;
    const bool all = defaults == Defaults::keep;
    auto text = [&](const char* key, const std::string& v) {
        if (all || !v.empty()) w.entry(key, v);
    };
    w.entry("id", b.id);
    w.entry("class", static_cast<std::int32_t>(b.cls));
    w.entry("address", static_cast<std::int32_t>(b.address));
    w.entry("scope", static_cast<std::int32_t>(h.scope));
    w.entry("disposition", static_cast<std::int32_t>(h.disposition));
    w.entry("op", b.op);
    if (all || !b.args.empty()) w.entry_with("args", "a(isuiay)", [&] { write_args(w, b.args); });
    if (all || !b.contexts.empty()) {
        w.entry_with("contexts", "a(suiay)", [&] {
            w.open('a', "(suiay)");
            for (const auto& c : b.contexts) {
                w.open('r', "suiay");
                w.string(c.slot);
                w.value(c.value);
                w.close();
            }
            w.close();
        });
    }
    text("file", b.file);
    text("object", b.object);
    text("otype", b.otype);
    text("session", b.session);
    text("sender", b.sender);
    text("sender_ptype", b.sender_ptype);
    w.entry("uid", b.uid);
    w.entry("gid", b.gid);
    w.entry("state", static_cast<std::int32_t>(h.state));
    w.entry("opnum", h.opnum);
    text("handler", h.handler);
    text("handler_ptype", h.handler_ptype);
    if (all || h.status != 0) w.entry("status", h.status);
    text("status_string", h.status_string);
    if (b.cls == core::Class::OFFER) {
        for (const auto& [key, list] : {std::pair{"accepters", &h.accepters}, std::pair{"rejecters", &h.rejecters},
                                        std::pair{"abstainers", &h.abstainers}}) {
            if (all || !list->empty()) w.entry(key, *list);
        }
    }
    if (delivery != nullptr) {
        w.entry("pattern", delivery->pattern);
        w.entry("delivery", delivery->delivery);
        if (all || delivery->start_message) w.entry("start_message", delivery->start_message);
    }
}

void write_message(Writer& w, const core::MessageView& m, const DeliveryKeys* delivery, Defaults defaults) {
    w.open('a', "{sv}");
    write_message_entries(w, m, delivery, defaults);
    w.close();
}

void write_pattern_entries(Writer& w, const core::Pattern& p) {
    w.entry("category", static_cast<std::int32_t>(p.category));
    w.entry("scopes", enum_list(p.scopes, core::scope_count));
    w.entry("classes", enum_list(p.classes, 4));
    w.entry("states", enum_list(p.states, 10));
    w.entry("addresses", enum_list(p.addresses, 4));
    w.entry("dispositions", enum_list(p.dispositions, core::disposition_count));
    w.entry("ops", p.ops);
    w.entry("opnums", p.opnums);
    w.entry("sessions", p.sessions);
    w.entry("files", p.files);
    w.entry("objects", p.objects);
    w.entry("otypes", p.otypes);
    w.entry("senders", p.senders);
    w.entry("sender_ptypes", p.sender_ptypes);
    w.entry("handlers", p.handlers);
    w.entry("handler_ptypes", p.handler_ptypes);
    w.entry_with("args", "a(isuiay)", [&] {
        w.open('a', "(isuiay)");
        for (const auto& a : p.args) {
            w.open('r', "isuiay");
            w.int32(static_cast<std::int32_t>(a.mode));
            w.string(a.vtype);
            w.value(a.value);
            w.close();
        }
        w.close();
    });
    w.entry_with("contexts", "a(sa(uiay))", [&] {
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

}  // namespace ttbus::dbus
