#include "compact.h"

#include <algorithm>
#include <cstring>

namespace ttbus::protocol::compact {

namespace {

// ---------------------------------------------------------------------------------------------
// Writing

// Little-endian whatever the host (the compiler makes each one load or store on a little-endian one).
template <typename T>
void store(char* at, T v) {
    for (std::size_t i = 0; i < sizeof v; ++i) at[i] = static_cast<char>(v >> (8 * i));
}

template <typename T>
T load(const char* at) {
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<unsigned char>(at[i])) << (8 * i);
    return v;
}

// Where a part is written: its fields gather in a buffer on the stack and go into the string a
// block at a time. std::string's append is a call into libstdc++ (and memcpy) for every field of
// four bytes; that was about half of what writing a part cost. What a write that throws left in
// the buffer is never appended.
class Out {
public:
    explicit Out(std::string& s) : s_(s) {}
    Out(const Out&) = delete;
    Out& operator=(const Out&) = delete;

    template <typename T>
    void number(T v) {
        if (sizeof v > sizeof buf_ - n_) flush();
        store(buf_ + n_, v);
        n_ += sizeof v;
    }
    void bytes(std::string_view b) {
        if (b.size() > sizeof buf_ - n_) {
            flush();
            if (b.size() > sizeof buf_) {
                s_.append(b);
                return;
            }
        }
        std::memcpy(buf_ + n_, b.data(), b.size());
        n_ += b.size();
    }
    // Appends what is gathered; the last write of every part.
    void flush() {
        s_.append(buf_, n_);
        n_ = 0;
    }

private:
    std::string& s_;
    char buf_[240];
    std::size_t n_ = 0;
};

template <typename T>
void put(Out& out, T v) {
    out.number(v);
}

void put_u8(Out& out, std::uint8_t v) { out.number(v); }
void put_i32(Out& out, std::int32_t v) { put(out, static_cast<std::uint32_t>(v)); }
void put_bool(Out& out, bool v) { put_u8(out, v ? 1 : 0); }

void put_text(Out& out, std::string_view s) {
    put(out, static_cast<std::uint32_t>(s.size()));
    out.bytes(s);
}

// A string the broker or libtt is about to send must be one sd-bus could send: the a{sv} writer
// would fail on it too (TT_ERR_INTERNAL there, as here).
void put_string(Out& out, std::string_view s) {
    if (!is_bus_string(s)) throw Failure(Status::ERR_INTERNAL, "append a string: not valid UTF-8 without NUL");
    put_text(out, s);
}

void put_strings(Out& out, const std::vector<std::string>& v) {
    put(out, static_cast<std::uint32_t>(v.size()));
    for (const auto& s : v) put_string(out, s);
}

// kind u8 (0 unset, 1 int, 2 bytes), then the int (i32) or the bytes (u32 length, bytes).
void put_value(Out& out, const Value& v) {
    if (const auto* i = std::get_if<std::int32_t>(&v)) {
        put_u8(out, 1);
        put_i32(out, *i);
    } else if (const auto* b = std::get_if<std::string>(&v)) {
        put_u8(out, 2);
        put_text(out, *b);
    } else {
        put_u8(out, 0);
    }
}

template <typename E>
void put_enum(Out& out, E v) {
    put_i32(out, static_cast<std::int32_t>(v));
}

bool offer(Class cls) { return cls == Class::OFFER; }

// The header; fields `by` does not set travel as their defaults.
void put_header(Out& out, const MessageHeader& h, Party by, Class cls) {
    const bool broker = by == Party::broker;
    const MessageHeader none;
    put_enum(out, broker ? h.state : none.state);
    put_enum(out, h.scope);
    put_enum(out, h.disposition);
    put_i32(out, broker ? h.opnum : none.opnum);
    put_string(out, h.handler);
    put_string(out, h.handler_ptype);
    put_i32(out, h.status);
    put_string(out, h.status_string);
    const bool votes = broker && offer(cls);
    put_strings(out, votes ? h.accepters : none.accepters);
    put_strings(out, votes ? h.rejecters : none.rejecters);
    put_strings(out, votes ? h.abstainers : none.abstainers);
}

void put_body(Out& out, const MessageBody& b, Party by) {
    const bool broker = by == Party::broker;
    static const std::string nothing;
    put_string(out, b.id);
    put_enum(out, b.cls);
    put_enum(out, b.address);
    put_string(out, b.op);
    put(out, static_cast<std::uint32_t>(b.args.size()));
    for (const auto& a : b.args) {
        put_enum(out, a.mode);
        put_string(out, a.vtype);
        put_value(out, a.value);
    }
    put(out, static_cast<std::uint32_t>(b.contexts.size()));
    for (const auto& c : b.contexts) {
        put_string(out, c.slot);
        put_value(out, c.value);
    }
    put_string(out, b.file);
    put_string(out, b.object);
    put_string(out, b.otype);
    put_string(out, b.session);
    put_string(out, broker ? b.sender : nothing);
    put_string(out, b.sender_ptype);
    put(out, broker ? b.uid : 0u);
    put(out, broker ? b.gid : 0u);
    put_bool(out, !broker && b.super);
}

// ---------------------------------------------------------------------------------------------
// Reading

[[noreturn]] void malformed(const std::string& why) { throw Failure(Status::ERR_INVALID, "malformed compact part: " + why); }

template <typename E>
E enum_value(std::int32_t v, Status error, const char* what) {
    if (!valid(static_cast<E>(v))) throw Failure(error, std::string(what) + " " + std::to_string(v) + " is out of range");
    return static_cast<E>(v);
}

// A part being read: every length is checked against what is left, and the strings and values
// read are counted against max_message_bytes as the a{sv} reader counts them.
class Cursor {
public:
    explicit Cursor(std::string_view part) : p_(part.data()), end_(part.data() + part.size()) {
        if (u8() != version) malformed("version " + std::to_string(static_cast<unsigned>(p_[-1])) + " is not " +
                                       std::to_string(version));
    }

    std::uint8_t u8() { return static_cast<std::uint8_t>(*take(1)); }
    template <typename T>
    T number() {
        return load<T>(take(sizeof(T)));
    }
    std::uint32_t u32() { return number<std::uint32_t>(); }
    std::uint64_t u64() { return number<std::uint64_t>(); }
    std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
    bool boolean() {
        const std::uint8_t b = u8();
        if (b > 1) malformed("a boolean is " + std::to_string(b));
        return b == 1;
    }
    // Bytes of a value: any content.
    std::string_view bytes() {
        const std::uint32_t n = u32();
        std::string_view s(take(n), n);
        bytes_ += n;
        return s;
    }
    // A part within a part (a batch's): its own bounds are checked when it is read.
    std::string_view part() {
        const std::uint32_t n = u32();
        return {take(n), n};
    }
    std::string string() {
        const std::string_view s = bytes();
        if (!is_bus_string(s)) malformed("a string is not valid UTF-8 without NUL");
        return std::string(s);
    }
    std::string file() {
        std::string f = string();
        if (!f.empty() && f[0] != '/') throw Failure(Status::ERR_PATH, "file '" + f + "' is not an absolute path");
        return f;
    }
    std::vector<std::string> strings() {
        std::vector<std::string> out;
        for (std::uint32_t n = count(4); n > 0; --n) out.push_back(string());
        return out;
    }
    Value value() {
        switch (const std::uint8_t kind = u8()) {
        case 0: return {};
        case 1: return i32();
        case 2: return std::string(bytes());
        default: malformed("value kind " + std::to_string(kind) + " is not 0, 1 or 2");
        }
    }
    // A list's length, each element taking at least `least` bytes: bounded by what is left.
    std::uint32_t count(std::size_t least) {
        const std::uint32_t n = u32();
        if (n > static_cast<std::size_t>(end_ - p_) / least) malformed("a list of " + std::to_string(n) + " is longer than the part");
        return n;
    }
    // A count of args (or of their values), each taking at least `least` bytes.
    std::uint32_t args(std::size_t least) {
        const std::uint32_t n = count(least);
        if (n > max_args) {
            throw Failure(Status::ERR_OVERFLOW,
                          "more than " + std::to_string(max_args) + " args; the limit is " + std::to_string(max_args));
        }
        return n;
    }
    void finish() {
        if (p_ != end_) malformed(std::to_string(end_ - p_) + " bytes after the end");
        if (bytes_ > max_message_bytes) {
            throw Failure(Status::ERR_OVERFLOW, std::to_string(bytes_) + " bytes; the limit is " +
                                                    std::to_string(max_message_bytes));
        }
    }

private:
    const char* take(std::size_t n) {
        if (n > static_cast<std::size_t>(end_ - p_)) malformed("a field runs past the end");
        const char* at = p_;
        p_ += n;
        return at;
    }

    const char* p_;
    const char* end_;
    std::size_t bytes_ = 0;
};

void get_header(Cursor& c, MessageHeader& h, Party from) {
    const bool broker = from == Party::broker;
    const State state = enum_value<State>(c.i32(), Status::ERR_INVALID, "state");
    h.scope = enum_value<Scope>(c.i32(), Status::ERR_SCOPE, "scope");
    h.disposition = enum_value<Disposition>(c.i32(), Status::ERR_DISPOSITION, "disposition");
    const std::int32_t opnum = c.i32();
    h.handler = c.string();
    h.handler_ptype = c.string();
    h.status = c.i32();
    h.status_string = c.string();
    auto accepters = c.strings();
    auto rejecters = c.strings();
    auto abstainers = c.strings();
    if (!broker) return;  // a client's out fields are skipped, as the a{sv} reader skips their keys
    h.state = state;
    h.opnum = opnum;
    h.accepters = std::move(accepters);
    h.rejecters = std::move(rejecters);
    h.abstainers = std::move(abstainers);
}

void get_body(Cursor& c, MessageBody& b, Party from) {
    const bool broker = from == Party::broker;
    b.id = c.string();
    b.cls = enum_value<Class>(c.i32(), Status::ERR_CLASS, "class");
    // Unset (LAST) is what an absent address key reads as.
    const std::int32_t address = c.i32();
    b.address = address == static_cast<std::int32_t>(Address::LAST)
                    ? Address::LAST
                    : enum_value<Address>(address, Status::ERR_ADDRESS, "address");
    b.op = c.string();
    // mode i32, vtype, kind: 9 bytes at least.
    const std::uint32_t args = c.args(9);
    b.args.clear();
    b.args.reserve(args);
    for (std::uint32_t i = 0; i < args; ++i) {
        const Mode mode = enum_value<Mode>(c.i32(), Status::ERR_MODE, "mode");
        std::string vtype = c.string();
        b.args.push_back({mode, std::move(vtype), c.value()});
    }
    b.contexts.clear();
    for (std::uint32_t n = c.count(5); n > 0; --n) {
        std::string slot = c.string();
        b.contexts.push_back({std::move(slot), c.value()});
    }
    b.file = c.file();
    b.object = c.string();
    b.otype = c.string();
    b.session = c.string();
    std::string sender = c.string();
    b.sender_ptype = c.string();
    const std::uint32_t uid = c.u32();
    const std::uint32_t gid = c.u32();
    const bool super = c.boolean();
    if (broker) {
        b.sender = std::move(sender);
        b.uid = uid;
        b.gid = gid;
    } else {
        b.super = super;
    }
}

std::uint32_t out_count(const std::vector<Arg>& args) {
    return static_cast<std::uint32_t>(std::count_if(args.begin(), args.end(), [](const Arg& a) { return is_out(a.mode); }));
}

// What a part usually takes, reserved at once rather than grown into a field at a time.
constexpr std::size_t part_reserve = 256;

}  // namespace

bool is_bus_string(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    // Eight bytes at a time while they are ASCII without NUL (names, ids: nearly every string).
    constexpr std::uint64_t ones = 0x0101010101010101u;
    constexpr std::uint64_t highs = 0x8080808080808080u;
    while (end - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        if ((w & highs) != 0 || ((w - ones) & ~w & highs) != 0) break;
        p += 8;
    }
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            if (c == 0) return false;
            ++p;
            continue;
        }
        std::size_t n = 0;
        char32_t ch = 0;
        if ((c & 0xe0) == 0xc0) {
            n = 2;
            ch = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3;
            ch = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4;
            ch = c & 0x07;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) < n) return false;
        for (std::size_t i = 1; i < n; ++i) {
            if ((p[i] & 0xc0) != 0x80) return false;
            ch = ch << 6 | (p[i] & 0x3f);
        }
        const std::size_t shortest = ch < 0x800 ? 2 : ch < 0x10000 ? 3 : 4;
        if (ch < 0x80 || shortest != n) return false;                // overlong
        if (ch >= 0x110000 || (ch & 0xfffff800) == 0xd800) return false;  // past Unicode, a surrogate
        if ((ch >= 0xfdd0 && ch <= 0xfdef) || (ch & 0xfffe) == 0xfffe) return false;  // noncharacters
        p += n;
    }
    return true;
}

bool apply(const Update& u, Message& m) {
    auto& b = m.body;
    const bool fit = out_count(b.args) == u.values.size();
    m.header = u.header;
    b.sender = u.sender;
    b.sender_ptype = u.sender_ptype;
    b.session = u.session;
    b.otype = u.otype;
    b.file = u.file;
    b.uid = u.uid;
    b.gid = u.gid;
    auto value = u.values.begin();
    for (auto& a : b.args) {
        if (fit && is_out(a.mode)) a.value = *value++;
    }
    normalize_contexts(b.contexts);
    return fit;
}

void append_message(std::string& out, const MessageBody& b, const MessageHeader& h, Party by) {
    out.reserve(out.size() + part_reserve);
    Out o(out);
    put_u8(o, version);
    put_body(o, b, by);
    put_header(o, h, by, b.cls);
    o.flush();
}

void append_body(std::string& out, const MessageBody& b) {
    out.reserve(out.size() + part_reserve);
    Out o(out);
    put_u8(o, version);
    put_body(o, b, Party::broker);
    o.flush();
}

void append_delivery(std::string& out, const DeliveryKeys& d, const MessageHeader& h, Class cls) {
    out.reserve(out.size() + part_reserve);
    Out o(out);
    put_u8(o, version);
    put(o, d.pattern);
    put(o, d.delivery);
    put_bool(o, d.start_message);
    put_header(o, h, Party::broker, cls);
    o.flush();
}

void append_update(std::string& out, const MessageBody& b, const MessageHeader& h) {
    out.reserve(out.size() + part_reserve);
    Out o(out);
    put_u8(o, version);
    put_string(o, b.id);
    put_header(o, h, Party::broker, b.cls);
    for (const auto* s : {&b.sender, &b.sender_ptype, &b.session, &b.otype, &b.file}) put_string(o, *s);
    put(o, b.uid);
    put(o, b.gid);
    put(o, out_count(b.args));
    for (const auto& a : b.args) {
        if (is_out(a.mode)) put_value(o, a.value);
    }
    o.flush();
}

void append_answer(std::string& out, const std::vector<Arg>& args, std::int32_t status,
                   const std::string& status_string) {
    Out o(out);
    put_u8(o, version);
    put(o, static_cast<std::uint32_t>(args.size()));
    for (const auto& a : args) put_value(o, a.value);
    put_i32(o, status);
    put_string(o, status_string);
    o.flush();
}

void append_to_batch(std::string& out, std::string_view delivery, std::string_view body) {
    Out o(out);
    if (out.empty()) {
        put_u8(o, version);
        put(o, std::uint32_t{0});
        o.flush();
    }
    // The count after the version byte, one more.
    store(out.data() + 1, load<std::uint32_t>(out.data() + 1) + 1);
    put_text(o, delivery);
    put_text(o, body);
    o.flush();
}

void append_packed_head(std::string& out, std::string_view procid) {
    Out o(out);
    put_string(o, procid);
    o.flush();
}

std::string packed_head(std::string_view procid) {
    std::string head;
    append_packed_head(head, procid);
    return head;
}

Packed unpack(std::string_view packed) {
    if (packed.size() < 4) malformed("a packed part without its procid");
    const std::uint32_t n = load<std::uint32_t>(packed.data());
    if (n > packed.size() - 4) malformed("a procid runs past the end");
    const std::string_view procid = packed.substr(4, n);
    if (!is_bus_string(procid)) malformed("a procid is not valid UTF-8 without NUL");
    return {procid, packed.substr(4 + n)};
}

void append_packed_answer_head(std::string& out, std::string_view procid, std::string_view id) {
    Out o(out);
    put_string(o, procid);
    put_string(o, id);
    o.flush();
}

PackedAnswer unpack_answer(std::string_view packed) {
    const Packed p = unpack(packed);
    const Packed id = unpack(p.part);  // a string as the procid is
    return {p.procid, id.procid, id.part};
}

void read_message(std::string_view part, Message& out, Party from) {
    Cursor c(part);
    get_body(c, out.body, from);
    get_header(c, out.header, from);
    c.finish();
}

void read_body(std::string_view part, MessageBody& out) {
    Cursor c(part);
    get_body(c, out, Party::broker);
    c.finish();
}

void read_delivery(std::string_view part, DeliveryKeys& delivery, MessageHeader& header) {
    Cursor c(part);
    delivery.pattern = c.u64();
    delivery.delivery = c.u32();
    delivery.start_message = c.boolean();
    get_header(c, header, Party::broker);
    c.finish();
}

void read_update(std::string_view part, Update& out) {
    Cursor c(part);
    out.id = c.string();
    get_header(c, out.header, Party::broker);
    for (auto* s : {&out.sender, &out.sender_ptype, &out.session, &out.otype}) *s = c.string();
    out.file = c.file();
    out.uid = c.u32();
    out.gid = c.u32();
    const std::uint32_t n = c.args(1);
    out.values.clear();
    for (std::uint32_t i = 0; i < n; ++i) out.values.push_back(c.value());
    c.finish();
}

void read_answer(std::string_view part, Answer& out) {
    Cursor c(part);
    const std::uint32_t n = c.args(1);
    out.args.clear();
    for (std::uint32_t i = 0; i < n; ++i) out.args.push_back(c.value());
    out.status = c.i32();
    out.status_string = c.string();
    c.finish();
}

std::vector<BatchEntry> batch_entries(std::string_view part) {
    Cursor c(part);
    // Two lengths at least each.
    const std::uint32_t n = c.count(8);
    if (n == 0) malformed("a batch of no deliveries");
    std::vector<BatchEntry> out;
    out.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::string_view delivery = c.part();
        out.push_back({delivery, c.part()});
    }
    c.finish();
    return out;
}

std::vector<Delivered> read_batch(std::string_view part) {
    const std::vector<BatchEntry> entries = batch_entries(part);
    std::vector<Delivered> out(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        read_delivery(entries[i].delivery, out[i].delivery, out[i].message.header);
        read_body(entries[i].body, out[i].message.body);
    }
    return out;
}

}  // namespace ttbus::protocol::compact
