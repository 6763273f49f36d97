#include "trace.h"

#include "client.h"
#include "status.h"
#include "storage.h"

#include "protocol/enums.h"
#include "protocol/keys.h"

#include <bit>
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
template <typename E>
std::string name_of(E v, const char* fallback) {
    const std::string_view n = protocol::name(v);
    return n.empty() ? fallback : std::string(n);
}

std::string name_of(protocol::Mode m) { return name_of(m, "TT_MODE_LAST"); }

// The field names are the keys of the D-Bus form (protocol/keys.h).
const char* key(protocol::message_key::Index k) { return protocol::message_keys[k].name.data(); }
const char* key(protocol::pattern_key::Index k) { return protocol::pattern_keys[k].name.data(); }

std::string text_of(const Value& v) {
    if (const auto* i = std::get_if<std::int32_t>(&v)) return std::to_string(*i);
    if (const auto* bytes = std::get_if<std::string>(&v)) {
        std::string out = "\"";
        for (char ch : *bytes) {
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
    return "(unset)";
}

// A pattern's list of values, space-separated.
std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : " ") + v;
    return out;
}

std::string joined(const std::vector<std::int32_t>& values) {
    std::string out;
    for (std::int32_t v : values) out += (out.empty() ? "" : " ") + std::to_string(v);
    return out;
}

// A set of enum values, in their numeric order (a set, as the classic server kept it).
template <typename E>
std::string joined(const protocol::EnumSet<E>& set) {
    std::string out;
    for (std::uint32_t bits = set.bits(); bits != 0; bits &= bits - 1) {
        out += (out.empty() ? "" : " ") + std::to_string(std::countr_zero(bits));
    }
    return out;
}

void field(std::string& out, const char* name, const std::string& value) {
    if (!value.empty()) out += std::string("\t") + name + ": " + value + "\n";
}

}  // namespace

bool tracing() {
    return trace_flag();
}

void trace_message(const char* what, const protocol::Message& m) {
    if (!tracing()) return;
    std::fprintf(stderr, "tt trace: %s\n%s", what, describe(m).c_str());
}

std::string describe(const protocol::Message& m) {
    const protocol::MessageBody& b = m.body;
    const protocol::MessageHeader& h = m.header;
    std::string out = "Tt_message ";
    out += b.id.empty() ? "(no id)" : b.id;
    out += "\n";
    using namespace protocol::message_key;
    field(out, key(state), name_of(h.state, "TT_STATE_LAST"));
    // Classic printed every class it did not know as undefined.
    field(out, key(cls), b.cls == protocol::Class::LAST ? "TT_CLASS_UNDEFINED" : name_of(b.cls, "TT_CLASS_UNDEFINED"));
    field(out, key(address), name_of(b.address, "TT_ADDRESS_LAST"));
    field(out, key(scope), name_of(h.scope, "TT_SCOPE_NONE"));
    field(out, key(disposition), std::to_string(static_cast<int>(h.disposition)));
    field(out, key(op), b.op);
    if (h.opnum != -1) field(out, key(opnum), std::to_string(h.opnum));
    for (std::size_t i = 0; i < b.args.size(); ++i) {
        const Arg& a = b.args[i];
        field(out, ("arg " + std::to_string(i)).c_str(),
              std::string(name_of(a.mode)) + " " + a.vtype + " " + text_of(a.value));
    }
    for (const auto& c : b.contexts) field(out, ("context " + c.slot).c_str(), text_of(c.value));
    field(out, key(file), b.file);
    field(out, key(object), b.object);
    field(out, key(otype), b.otype);
    field(out, key(session), b.session);
    field(out, key(sender), b.sender);
    field(out, key(sender_ptype), b.sender_ptype);
    field(out, key(handler), h.handler);
    field(out, key(handler_ptype), h.handler_ptype);
    field(out, key(status), std::to_string(h.status));
    field(out, key(status_string), h.status_string);
    return out;
}

std::string describe(const protocol::Pattern& p) {
    std::string out = "Tt_pattern\n";
    using namespace protocol::pattern_key;
    field(out, key(category), std::to_string(static_cast<int>(p.category)));
    auto list = [&](protocol::pattern_key::Index k, const auto& values) { field(out, key(k), joined(values)); };
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
        const protocol::PatternArg& a = p.args[i];
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
