#include "wire.h"

#include <cstring>
#include <iterator>

namespace ttbus::protocol {

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
    if (!valid(static_cast<E>(v))) {
        throw Failure(error, std::string(what) + " " + std::to_string(v) + " is out of range");
    }
    return static_cast<E>(v);
}

template <typename E>
EnumSet<E> read_enum_set(sd_bus_message* m, Status error, const char* what) {
    const void* p = nullptr;
    std::size_t size = 0;
    int r = sd_bus_message_read_array(m, 'i', &p, &size);
    if (r < 0) malformed(r, "ai");
    EnumSet<E> set;
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
Value value_fields(sd_bus_message* m, std::size_t& bytes) {
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
        const Mode mode = enum_value<Mode>(read_int32(m), Status::ERR_MODE, "mode");
        const char* vtype = read_string(m);
        bytes += std::strlen(vtype);
        Value value = value_fields(m, bytes);
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

// Whether `party` puts a key of `direction` into the dictionaries it writes.
constexpr bool writes(Party party, Direction direction) {
    return party == Party::client ? direction != Direction::out : direction != Direction::in_only;
}

// Reads an a{sv} whose keys are the n (at most 64) `keys`, calling `f(index)` with the value of
// keys[index] entered. Repeated and mistyped keys are TT_ERR_INVALID; so are unknown keys, unless
// they come from the broker (a newer one: they are skipped). Keys `from` does not write are
// skipped (a received message may be sent back). Keys are compared where they lie in the message:
// no string is made for a key.
template <typename F>
void read_dict(sd_bus_message* m, const Key* keys, std::size_t n, Party from, F&& f) {
    enter(m, 'a', "{sv}");
    std::uint64_t seen = 0;
    while (enter(m, 'e', "sv")) {
        const char* key = read_string(m);
        const std::string_view name(key);
        std::size_t i = 0;
        while (i < n && keys[i].name != name) ++i;
        if (i == n) {
            if (from == Party::client) throw Failure(Status::ERR_INVALID, std::string("unknown key '") + key + "'");
            int r = sd_bus_message_skip(m, "v");
            if (r < 0) malformed(r, key);
            leave(m);
            continue;
        }
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
        if (!writes(from, keys[i].direction)) {
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

Value read_value(sd_bus_message* m) {
    std::size_t bytes = 0;
    enter(m, 'r', "uiay");
    Value v = value_fields(m, bytes);
    leave(m);
    return v;
}

void read_message(sd_bus_message* m, Message& out, Party from, DeliveryKeys* delivery) {
    auto& b = out.body;
    auto& h = out.header;
    std::size_t bytes = 0;
    PatternId ignored_pattern = 0;
    std::uint32_t ignored_delivery = 0;
    bool ignored_flag = false;
    auto str = [&](std::string& to) {
        to = read_string(m);
        bytes += to.size();
    };
    read_dict(m, message_keys, std::size(message_keys), from, [&](std::size_t key) {
        using namespace message_key;
        switch (key) {
        case id: str(b.id); break;
        case cls: b.cls = enum_value<Class>(read_int32(m), Status::ERR_CLASS, "class"); break;
        case address: b.address = enum_value<Address>(read_int32(m), Status::ERR_ADDRESS, "address"); break;
        case scope: h.scope = enum_value<Scope>(read_int32(m), Status::ERR_SCOPE, "scope"); break;
        case disposition:
            h.disposition = enum_value<Disposition>(read_int32(m), Status::ERR_DISPOSITION, "disposition");
            break;
        case op: str(b.op); break;
        case args:
            read_args(m, bytes, [&](Mode mode, const char* vtype, Value v) {
                b.args.push_back({mode, vtype, std::move(v)});
            });
            break;
        case contexts:
            enter(m, 'a', "(suiay)");
            while (enter(m, 'r', "suiay")) {
                Context c;
                str(c.slot);
                c.value = value_fields(m, bytes);
                leave(m);
                b.contexts.push_back(std::move(c));
            }
            leave(m);
            break;
        case file:
            str(b.file);
            if (!b.file.empty() && b.file[0] != '/') {
                throw Failure(Status::ERR_PATH, "file '" + b.file + "' is not an absolute path");
            }
            break;
        case object: str(b.object); break;
        case otype: str(b.otype); break;
        case session: str(b.session); break;
        case handler: str(h.handler); break;
        case handler_ptype: str(h.handler_ptype); break;
        case sender_ptype: str(b.sender_ptype); break;
        case status: h.status = read_int32(m); break;
        case status_string: str(h.status_string); break;
        case super: b.super = read_bool(m); break;
        case sender: str(b.sender); break;
        case uid: b.uid = read_uint32(m); break;
        case gid: b.gid = read_uint32(m); break;
        case state: h.state = enum_value<State>(read_int32(m), Status::ERR_INVALID, "state"); break;
        case opnum: h.opnum = read_int32(m); break;
        case accepters: h.accepters = read_strings(m, bytes); break;
        case rejecters: h.rejecters = read_strings(m, bytes); break;
        case abstainers: h.abstainers = read_strings(m, bytes); break;
        case pattern: (delivery ? delivery->pattern : ignored_pattern) = read_uint64(m); break;
        case message_key::delivery: (delivery ? delivery->delivery : ignored_delivery) = read_uint32(m); break;
        case start_message: (delivery ? delivery->start_message : ignored_flag) = read_bool(m); break;
        default: break;
        }
    });
    check_size(bytes);
}

void read_pattern(sd_bus_message* m, Pattern& p) {
    std::size_t bytes = 0;
    read_dict(m, pattern_keys, std::size(pattern_keys), Party::client, [&](std::size_t key) {
        using namespace pattern_key;
        switch (key) {
        case category:
            p.category = enum_value<Category>(read_int32(m), Status::ERR_CATEGORY, "category");
            break;
        case scopes: p.scopes = read_enum_set<Scope>(m, Status::ERR_SCOPE, "scope"); break;
        case classes: p.classes = read_enum_set<Class>(m, Status::ERR_CLASS, "class"); break;
        case states: p.states = read_enum_set<State>(m, Status::ERR_INVALID, "state"); break;
        case addresses: p.addresses = read_enum_set<Address>(m, Status::ERR_ADDRESS, "address"); break;
        case dispositions:
            p.dispositions = read_enum_set<Disposition>(m, Status::ERR_DISPOSITION, "disposition");
            break;
        case ops: p.ops = read_strings(m, bytes); break;
        case opnums: p.opnums = read_ints(m); break;
        case sessions: p.sessions = read_strings(m, bytes); break;
        case files: p.files = read_strings(m, bytes); break;
        case objects: p.objects = read_strings(m, bytes); break;
        case otypes: p.otypes = read_strings(m, bytes); break;
        case senders: p.senders = read_strings(m, bytes); break;
        case sender_ptypes: p.sender_ptypes = read_strings(m, bytes); break;
        case handlers: p.handlers = read_strings(m, bytes); break;
        case handler_ptypes: p.handler_ptypes = read_strings(m, bytes); break;
        case args:
            read_args(m, bytes, [&](Mode mode, const char* vtype, Value v) {
                p.args.push_back({mode, vtype, std::move(v)});
            });
            break;
        case contexts:
            enter(m, 'a', "(sa(uiay))");
            while (enter(m, 'r', "sa(uiay)")) {
                PatternContext pc;
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

void read_answer(sd_bus_message* m, Answer& a) {
    std::size_t bytes = 0;
    read_dict(m, answer_keys, std::size(answer_keys), Party::client, [&](std::size_t key) {
        switch (key) {
        case answer_key::args:
            read_args(m, bytes, [&](Mode, const char*, Value v) { a.args.push_back(std::move(v)); });
            break;
        case answer_key::status: a.status = read_int32(m); break;
        default:
            a.status_string = read_string(m);
            bytes += a.status_string.size();
            break;
        }
    });
    check_size(bytes);
}

void read_string_options(sd_bus_message* m, std::span<const Key> keys, std::string* values) {
    read_dict(m, keys.data(), keys.size(), Party::client, [&](std::size_t key) { values[key] = read_string(m); });
}

void read_entries(sd_bus_message* m, std::span<const Key> keys, const std::function<bool(std::size_t)>& each) {
    read_dict(m, keys.data(), keys.size(), Party::broker, [&](std::size_t i) {
        if (each(i)) return;
        int r = sd_bus_message_skip(m, keys[i].signature);
        if (r < 0) malformed(r, keys[i].signature);
    });
}

std::vector<std::string> read_string_array(sd_bus_message* m) {
    std::size_t bytes = 0;
    return read_strings(m, bytes);
}

std::vector<SpecProperty> read_spec_props(sd_bus_message* m) {
    std::vector<SpecProperty> out;
    enter(m, 'a', "(saay)");
    while (enter(m, 'r', "saay")) {
        SpecProperty p{read_string(m), {}};
        if (p.name.empty() || p.name.size() > max_propname) {
            throw Failure(Status::ERR_PROPNAME, "a property name has 1 to " + std::to_string(max_propname) + " bytes");
        }
        enter(m, 'a', "ay");
        for (;;) {
            const void* data = nullptr;
            std::size_t size = 0;
            int r = sd_bus_message_read_array(m, 'y', &data, &size);
            if (r < 0) malformed(r, "aay");
            if (r == 0) break;
            if (size > max_spec_value_bytes) {
                throw Failure(Status::ERR_PROPLEN, "a property value has at most " + std::to_string(max_spec_value_bytes) +
                                                       " bytes");
            }
            p.values.emplace_back(static_cast<const char*>(data), size);
        }
        leave(m);
        leave(m);
        out.push_back(std::move(p));
    }
    leave(m);
    return out;
}

}  // namespace ttbus::protocol
