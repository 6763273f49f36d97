#include "trace.h"

#include "client.h"
#include "status.h"
#include "storage.h"

#include "protocol/enums.h"
#include "protocol/keys.h"

#include <cstdio>
#include <cstdlib>

namespace ttc {

namespace {

bool& trace_flag() {
    static bool on = [] {
        const char* script = std::getenv("TT_TRACE_SCRIPT");
        return script != nullptr && *script != '\0';
    }();
    return on;
}

namespace protocol = ttbus::protocol;

// The classic enumerator's name (protocol/enums.h); `fallback` for a value that has none.
template <typename Wire, typename Classic>
std::string name_of(Classic v, const char* fallback) {
    const std::string_view n = protocol::name(static_cast<Wire>(v));
    return n.empty() ? fallback : std::string(n);
}

std::string name_of(Tt_mode m) { return name_of<protocol::Mode>(m, "TT_MODE_LAST"); }

// The field names are the keys of the D-Bus form (protocol/keys.h).
const char* key(protocol::message_key::Index k) { return protocol::message_keys[k].name.data(); }
const char* key(protocol::pattern_key::Index k) { return protocol::pattern_keys[k].name.data(); }

std::string text_of(const Value& v) {
    switch (v.kind) {
    case Value::INT: return std::to_string(v.i);
    case Value::BYTES: {
        std::string out = "\"";
        for (char ch : v.bytes) {
            if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
                out += ch;
            } else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned char>(ch));
                out += buf;
            }
        }
        return out + "\"";
    }
    default: return "(unset)";
    }
}

void field(std::string& out, const char* name, const std::string& value) {
    if (!value.empty()) out += std::string("\t") + name + ": " + value + "\n";
}

}  // namespace

bool tracing() {
    return trace_flag();
}

void trace_message(const char* what, const WireMessage& m) {
    if (!tracing()) return;
    std::fprintf(stderr, "tt trace: %s\n%s", what, describe(m).c_str());
}

std::string describe(const WireMessage& m) {
    std::string out = "Tt_message ";
    out += m.id.empty() ? "(no id)" : m.id;
    out += "\n";
    using namespace protocol::message_key;
    field(out, key(state), name_of<protocol::State>(m.state, "TT_STATE_LAST"));
    // Classic printed every class it did not know as undefined.
    field(out, key(cls), m.cls == TT_CLASS_LAST ? "TT_CLASS_UNDEFINED" : name_of<protocol::Class>(m.cls, "TT_CLASS_UNDEFINED"));
    field(out, key(address), name_of<protocol::Address>(m.address, "TT_ADDRESS_LAST"));
    field(out, key(scope), name_of<protocol::Scope>(m.scope, "TT_SCOPE_NONE"));
    field(out, key(disposition), std::to_string(m.disposition));
    field(out, key(op), m.op);
    if (m.opnum != -1) field(out, key(opnum), std::to_string(m.opnum));
    for (std::size_t i = 0; i < m.args.size(); ++i) {
        const Arg& a = m.args[i];
        field(out, ("arg " + std::to_string(i)).c_str(),
              std::string(name_of(a.mode)) + " " + a.vtype + " " + text_of(a.value));
    }
    for (const auto& c : m.contexts) field(out, ("context " + c.slot).c_str(), text_of(c.value));
    field(out, key(file), m.file);
    field(out, key(object), m.object);
    field(out, key(otype), m.otype);
    field(out, key(session), m.session);
    field(out, key(sender), m.sender);
    field(out, key(sender_ptype), m.sender_ptype);
    field(out, key(handler), m.handler);
    field(out, key(handler_ptype), m.handler_ptype);
    field(out, key(status), std::to_string(m.status));
    field(out, key(status_string), m.status_string);
    return out;
}

std::string describe(const WirePattern& p) {
    std::string out = "Tt_pattern\n";
    using namespace protocol::pattern_key;
    field(out, key(category), std::to_string(p.category));
    auto list = [&](protocol::pattern_key::Index k, const auto& values) {
        std::string joined;
        for (const auto& v : values) {
            if (!joined.empty()) joined += " ";
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
                joined += v;
            } else {
                joined += std::to_string(v);
            }
        }
        field(out, key(k), joined);
    };
    list(scopes, p.scopes);
    list(classes, p.classes);
    list(states, p.states);
    list(addresses, p.addresses);
    list(dispositions, p.dispositions);
    list(ops, p.ops);
    list(opnums, p.opnums);
    list(sessions, p.sessions);
    list(files, p.files);
    list(objects, p.objects);
    list(otypes, p.otypes);
    list(senders, p.senders);
    list(sender_ptypes, p.sender_ptypes);
    list(handlers, p.handlers);
    list(handler_ptypes, p.handler_ptypes);
    for (std::size_t i = 0; i < p.args.size(); ++i) {
        const Arg& a = p.args[i];
        field(out, ("arg " + std::to_string(i)).c_str(),
              std::string(name_of(a.mode)) + " " + a.vtype + " " + text_of(a.value));
    }
    for (const auto& c : p.contexts) {
        std::string values;
        for (const auto& v : c.values) values += " " + text_of(v);
        field(out, ("context " + c.slot).c_str(), values.empty() ? "(any)" : values.substr(1));
    }
    return out;
}

}  // namespace ttc

extern "C" {

// 0 off, 1 on, -1 toggle; returns whether tracing was on.
int tt_trace_control(int onoff) {
    bool was = ttc::trace_flag();
    ttc::trace_flag() = onoff < 0 ? !was : onoff != 0;
    return was ? 1 : 0;
}

char* tt_message_print(Tt_message m) {
    ttc::Message* msg = nullptr;
    if (Tt_status s = ttc::need_message(m, &msg); s != TT_OK) return ttc::report_ptr("tt_message_print", s);
    return ttc::stack_string(ttc::describe(msg->w));
}

char* tt_pattern_print(Tt_pattern p) {
    ttc::Pattern* pat = nullptr;
    if (Tt_status s = ttc::need_pattern(p, &pat); s != TT_OK) return ttc::report_ptr("tt_pattern_print", s);
    return ttc::stack_string(ttc::describe(pat->w));
}

}  // extern "C"
