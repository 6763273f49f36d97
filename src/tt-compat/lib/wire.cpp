#include "wire.h"

#include <cstring>
#include <string_view>

namespace ttc {

namespace {

// One "{sv}" entry: the key, then the variant built by body.
template <typename Body>
int entry(sd_bus_message* m, const char* key, const char* sig, Body body) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv");
    if (r >= 0) r = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, key);
    if (r >= 0) r = sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, sig);
    if (r >= 0) r = body();
    if (r >= 0) r = sd_bus_message_close_container(m);
    if (r >= 0) r = sd_bus_message_close_container(m);
    return r;
}

int put_int(sd_bus_message* m, const char* key, std::int32_t v) {
    return entry(m, key, "i", [&] { return sd_bus_message_append_basic(m, SD_BUS_TYPE_INT32, &v); });
}

// Empty strings are left out: on the wire an absent key and an empty one mean the same.
int put_string(sd_bus_message* m, const char* key, const std::string& v) {
    if (v.empty()) return 0;
    return entry(m, key, "s", [&] { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, v.c_str()); });
}

int put_strings(sd_bus_message* m, const char* key, const std::vector<std::string>& v) {
    if (v.empty()) return 0;
    return entry(m, key, "as", [&] {
        int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s");
        for (const auto& s : v) {
            if (r >= 0) r = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, s.c_str());
        }
        return r >= 0 ? sd_bus_message_close_container(m) : r;
    });
}

int put_ints(sd_bus_message* m, const char* key, const std::vector<std::int32_t>& v) {
    if (v.empty()) return 0;
    return entry(m, key, "ai", [&] {
        return sd_bus_message_append_array(m, SD_BUS_TYPE_INT32, v.data(), v.size() * sizeof(std::int32_t));
    });
}

int append_bytes(sd_bus_message* m, const std::string& bytes) {
    return sd_bus_message_append_array(m, SD_BUS_TYPE_BYTE, bytes.data(), bytes.size());
}

// The value fields (u kind, i int, ay bytes) inside an already open struct.
int append_value_fields(sd_bus_message* m, const Value& v) {
    std::uint32_t kind = v.kind;
    std::int32_t i = v.kind == Value::INT ? v.i : 0;
    int r = sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &kind);
    if (r >= 0) r = sd_bus_message_append_basic(m, SD_BUS_TYPE_INT32, &i);
    if (r >= 0) r = append_bytes(m, v.kind == Value::BYTES ? v.bytes : std::string());
    return r;
}

int read_value_fields(sd_bus_message* m, Value& v) {
    std::uint32_t kind = 0;
    std::int32_t i = 0;
    const void* p = nullptr;
    std::size_t n = 0;
    int r = sd_bus_message_read_basic(m, SD_BUS_TYPE_UINT32, &kind);
    if (r >= 0) r = sd_bus_message_read_basic(m, SD_BUS_TYPE_INT32, &i);
    if (r >= 0) r = sd_bus_message_read_array(m, SD_BUS_TYPE_BYTE, &p, &n);
    if (r < 0) return r;
    v = Value{};
    if (kind == Value::INT) {
        v.kind = Value::INT;
        v.i = i;
    } else if (kind == Value::BYTES) {
        v.kind = Value::BYTES;
        v.bytes.assign(static_cast<const char*>(p), n);
    }
    return 0;
}

int read_string(sd_bus_message* m, std::string& out) {
    const char* s = nullptr;
    int r = sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &s);
    if (r >= 0) out = s;
    return r;
}

int read_strings(sd_bus_message* m, std::vector<std::string>& out) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "s");
    if (r < 0) return r;
    out.clear();
    const char* s = nullptr;
    while ((r = sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &s)) > 0) out.emplace_back(s);
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

int read_args(sd_bus_message* m, std::vector<Arg>& out) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(isuiay)");
    if (r < 0) return r;
    out.clear();
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_STRUCT, "isuiay")) > 0) {
        Arg a;
        std::int32_t mode = 0;
        r = sd_bus_message_read_basic(m, SD_BUS_TYPE_INT32, &mode);
        if (r >= 0) r = read_string(m, a.vtype);
        if (r >= 0) r = read_value_fields(m, a.value);
        if (r >= 0) r = sd_bus_message_exit_container(m);
        if (r < 0) return r;
        a.mode = static_cast<Tt_mode>(mode);
        out.push_back(std::move(a));
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

int read_contexts(sd_bus_message* m, std::vector<Context>& out) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(suiay)");
    if (r < 0) return r;
    out.clear();
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_STRUCT, "suiay")) > 0) {
        Context c;
        r = read_string(m, c.slot);
        if (r >= 0) r = read_value_fields(m, c.value);
        if (r >= 0) r = sd_bus_message_exit_container(m);
        if (r < 0) return r;
        out.push_back(std::move(c));
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

template <typename T>
int read_basic(sd_bus_message* m, char type, T& out) {
    return sd_bus_message_read_basic(m, type, &out);
}

int read_enum(sd_bus_message* m, int& out) {
    std::int32_t v = 0;
    int r = sd_bus_message_read_basic(m, SD_BUS_TYPE_INT32, &v);
    out = v;
    return r;
}

// Reads the variant contents of one key; sets known to false when the key is not one of ours.
int read_known_field(sd_bus_message* m, std::string_view key, WireMessage& w, bool& known) {
    known = true;
    int e = 0;
    int r = 0;
    if (key == "id") return read_string(m, w.id);
    if (key == "class") { r = read_enum(m, e); w.cls = static_cast<Tt_class>(e); return r; }
    if (key == "address") { r = read_enum(m, e); w.address = static_cast<Tt_address>(e); return r; }
    if (key == "scope") { r = read_enum(m, e); w.scope = static_cast<Tt_scope>(e); return r; }
    if (key == "disposition") { r = read_enum(m, e); w.disposition = static_cast<Tt_disposition>(e); return r; }
    if (key == "state") { r = read_enum(m, e); w.state = static_cast<Tt_state>(e); return r; }
    if (key == "op") return read_string(m, w.op);
    if (key == "args") return read_args(m, w.args);
    if (key == "contexts") return read_contexts(m, w.contexts);
    if (key == "file") return read_string(m, w.file);
    if (key == "object") return read_string(m, w.object);
    if (key == "otype") return read_string(m, w.otype);
    if (key == "session") return read_string(m, w.session);
    if (key == "handler") return read_string(m, w.handler);
    if (key == "handler_ptype") return read_string(m, w.handler_ptype);
    if (key == "sender_ptype") return read_string(m, w.sender_ptype);
    if (key == "sender") return read_string(m, w.sender);
    if (key == "status") return read_basic(m, SD_BUS_TYPE_INT32, w.status);
    if (key == "status_string") return read_string(m, w.status_string);
    if (key == "opnum") return read_basic(m, SD_BUS_TYPE_INT32, w.opnum);
    if (key == "uid") return read_basic(m, SD_BUS_TYPE_UINT32, w.uid);
    if (key == "gid") return read_basic(m, SD_BUS_TYPE_UINT32, w.gid);
    if (key == "accepters") return read_strings(m, w.accepters);
    if (key == "rejecters") return read_strings(m, w.rejecters);
    if (key == "abstainers") return read_strings(m, w.abstainers);
    if (key == "pattern") return read_basic(m, SD_BUS_TYPE_UINT64, w.pattern);
    if (key == "delivery") return read_basic(m, SD_BUS_TYPE_UINT32, w.delivery);
    if (key == "super" || key == "start_message") {
        int b = 0;
        r = sd_bus_message_read_basic(m, SD_BUS_TYPE_BOOLEAN, &b);
        (key == "super" ? w.super : w.start_message) = b != 0;
        return r;
    }
    known = false;
    return 0;
}

// Reads the variant of one entry; a key we do not know (from a newer broker) is skipped.
int read_field(sd_bus_message* m, std::string_view key, const char* sig, WireMessage& w) {
    bool known = false;
    int r = read_known_field(m, key, w, known);
    if (r >= 0 && !known) r = sd_bus_message_skip(m, sig);
    return r;
}

}  // namespace

int append_value(sd_bus_message* m, const Value& v) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "uiay");
    if (r >= 0) r = append_value_fields(m, v);
    return r >= 0 ? sd_bus_message_close_container(m) : r;
}

int append_args(sd_bus_message* m, const std::vector<Arg>& args) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "(isuiay)");
    for (const auto& a : args) {
        std::int32_t mode = a.mode;
        if (r >= 0) r = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "isuiay");
        if (r >= 0) r = sd_bus_message_append_basic(m, SD_BUS_TYPE_INT32, &mode);
        if (r >= 0) r = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, a.vtype.c_str());
        if (r >= 0) r = append_value_fields(m, a.value);
        if (r >= 0) r = sd_bus_message_close_container(m);
    }
    return r >= 0 ? sd_bus_message_close_container(m) : r;
}

int append_message(sd_bus_message* m, const WireMessage& w) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    if (r >= 0) r = put_string(m, "id", w.id);
    if (r >= 0) r = put_int(m, "class", w.cls);
    // An unset address is left out: the broker then fails the send with TT_ERR_ADDRESS.
    if (r >= 0 && w.address != TT_ADDRESS_LAST) r = put_int(m, "address", w.address);
    if (r >= 0) r = put_int(m, "scope", w.scope);
    if (r >= 0) r = put_int(m, "disposition", w.disposition);
    if (r >= 0) r = put_string(m, "op", w.op);
    if (r >= 0 && !w.args.empty()) r = entry(m, "args", "a(isuiay)", [&] { return append_args(m, w.args); });
    if (r >= 0 && !w.contexts.empty()) {
        r = entry(m, "contexts", "a(suiay)", [&] {
            int q = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "(suiay)");
            for (const auto& c : w.contexts) {
                if (q >= 0) q = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "suiay");
                if (q >= 0) q = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, c.slot.c_str());
                if (q >= 0) q = append_value_fields(m, c.value);
                if (q >= 0) q = sd_bus_message_close_container(m);
            }
            return q >= 0 ? sd_bus_message_close_container(m) : q;
        });
    }
    // Keys holding their defaults are left out: each entry costs both ends a container walk.
    for (const auto& [key, value] : {std::pair{"file", &w.file}, std::pair{"object", &w.object},
                                     std::pair{"otype", &w.otype}, std::pair{"session", &w.session},
                                     std::pair{"handler", &w.handler}, std::pair{"handler_ptype", &w.handler_ptype},
                                     std::pair{"sender_ptype", &w.sender_ptype},
                                     std::pair{"status_string", &w.status_string}}) {
        if (r >= 0 && !value->empty()) r = put_string(m, key, *value);
    }
    if (r >= 0 && w.status != 0) r = put_int(m, "status", w.status);
    if (r >= 0 && w.super) {
        r = entry(m, "super", "b", [&] {
            int b = 1;
            return sd_bus_message_append_basic(m, SD_BUS_TYPE_BOOLEAN, &b);
        });
    }
    return r >= 0 ? sd_bus_message_close_container(m) : r;
}

int append_pattern(sd_bus_message* m, const WirePattern& p) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    if (r >= 0) r = put_int(m, "category", p.category);
    if (r >= 0) r = put_ints(m, "scopes", p.scopes);
    if (r >= 0) r = put_ints(m, "classes", p.classes);
    if (r >= 0) r = put_ints(m, "states", p.states);
    if (r >= 0) r = put_ints(m, "addresses", p.addresses);
    if (r >= 0) r = put_ints(m, "dispositions", p.dispositions);
    if (r >= 0) r = put_ints(m, "opnums", p.opnums);
    if (r >= 0) r = put_strings(m, "ops", p.ops);
    if (r >= 0) r = put_strings(m, "sessions", p.sessions);
    if (r >= 0) r = put_strings(m, "files", p.files);
    if (r >= 0) r = put_strings(m, "objects", p.objects);
    if (r >= 0) r = put_strings(m, "otypes", p.otypes);
    if (r >= 0) r = put_strings(m, "senders", p.senders);
    if (r >= 0) r = put_strings(m, "sender_ptypes", p.sender_ptypes);
    if (r >= 0) r = put_strings(m, "handlers", p.handlers);
    if (r >= 0) r = put_strings(m, "handler_ptypes", p.handler_ptypes);
    if (r >= 0 && !p.args.empty()) r = entry(m, "args", "a(isuiay)", [&] { return append_args(m, p.args); });
    if (r >= 0 && !p.contexts.empty()) {
        r = entry(m, "contexts", "a(sa(uiay))", [&] {
            int q = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "(sa(uiay))");
            for (const auto& c : p.contexts) {
                if (q >= 0) q = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "sa(uiay)");
                if (q >= 0) q = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, c.slot.c_str());
                if (q >= 0) q = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "(uiay)");
                for (const auto& v : c.values) {
                    if (q >= 0) q = append_value(m, v);
                }
                if (q >= 0) q = sd_bus_message_close_container(m);
                if (q >= 0) q = sd_bus_message_close_container(m);
            }
            return q >= 0 ? sd_bus_message_close_container(m) : q;
        });
    }
    return r >= 0 ? sd_bus_message_close_container(m) : r;
}

int append_answer(sd_bus_message* m, const WireMessage& w) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    if (r >= 0 && !w.args.empty()) r = entry(m, "args", "a(isuiay)", [&] { return append_args(m, w.args); });
    if (r >= 0) r = put_int(m, "status", w.status);
    if (r >= 0) r = put_string(m, "status_string", w.status_string);
    return r >= 0 ? sd_bus_message_close_container(m) : r;
}

int read_message(sd_bus_message* m, WireMessage& out) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    if (r < 0) return r;
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
        const char* key = nullptr;
        const char* sig = nullptr;
        r = sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &key);
        if (r >= 0) r = sd_bus_message_peek_type(m, nullptr, &sig);
        if (r < 0) return r;
        const std::string name = key;
        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, sig);
        if (r >= 0) r = read_field(m, name, sig, out);
        if (r >= 0) r = sd_bus_message_exit_container(m);
        if (r >= 0) r = sd_bus_message_exit_container(m);
        if (r < 0) return r;
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

}  // namespace ttc
