#include "trace.h"

#include "client.h"
#include "status.h"
#include "storage.h"

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

const char* name_of(Tt_class c) {
    switch (c) {
    case TT_NOTICE: return "TT_NOTICE";
    case TT_REQUEST: return "TT_REQUEST";
    case TT_OFFER: return "TT_OFFER";
    default: return "TT_CLASS_UNDEFINED";
    }
}

const char* name_of(Tt_state s) {
    static const char* const names[] = {"TT_CREATED", "TT_SENT", "TT_HANDLED", "TT_FAILED", "TT_QUEUED",
                                        "TT_STARTED", "TT_REJECTED", "TT_RETURNED", "TT_ACCEPTED", "TT_ABSTAINED"};
    return (s >= 0 && s < TT_STATE_LAST) ? names[s] : "TT_STATE_LAST";
}

const char* name_of(Tt_scope s) {
    static const char* const names[] = {"TT_SCOPE_NONE", "TT_SESSION", "TT_FILE", "TT_BOTH", "TT_FILE_IN_SESSION"};
    return (s >= 0 && s <= TT_FILE_IN_SESSION) ? names[s] : "TT_SCOPE_NONE";
}

const char* name_of(Tt_address a) {
    static const char* const names[] = {"TT_PROCEDURE", "TT_OBJECT", "TT_HANDLER", "TT_OTYPE"};
    return (a >= 0 && a < TT_ADDRESS_LAST) ? names[a] : "TT_ADDRESS_LAST";
}

const char* name_of(Tt_mode m) {
    static const char* const names[] = {"TT_MODE_UNDEFINED", "TT_IN", "TT_OUT", "TT_INOUT"};
    return (m >= 0 && m < TT_MODE_LAST) ? names[m] : "TT_MODE_LAST";
}

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
    field(out, "state", name_of(m.state));
    field(out, "class", name_of(m.cls));
    field(out, "address", name_of(m.address));
    field(out, "scope", name_of(m.scope));
    field(out, "disposition", std::to_string(m.disposition));
    field(out, "op", m.op);
    if (m.opnum != -1) field(out, "opnum", std::to_string(m.opnum));
    for (std::size_t i = 0; i < m.args.size(); ++i) {
        const Arg& a = m.args[i];
        field(out, ("arg " + std::to_string(i)).c_str(),
              std::string(name_of(a.mode)) + " " + a.vtype + " " + text_of(a.value));
    }
    for (const auto& c : m.contexts) field(out, ("context " + c.slot).c_str(), text_of(c.value));
    field(out, "file", m.file);
    field(out, "object", m.object);
    field(out, "otype", m.otype);
    field(out, "session", m.session);
    field(out, "sender", m.sender);
    field(out, "sender_ptype", m.sender_ptype);
    field(out, "handler", m.handler);
    field(out, "handler_ptype", m.handler_ptype);
    field(out, "status", std::to_string(m.status));
    field(out, "status_string", m.status_string);
    return out;
}

std::string describe(const WirePattern& p) {
    std::string out = "Tt_pattern\n";
    field(out, "category", std::to_string(p.category));
    auto list = [&](const char* name, const auto& values) {
        std::string joined;
        for (const auto& v : values) {
            if (!joined.empty()) joined += " ";
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
                joined += v;
            } else {
                joined += std::to_string(v);
            }
        }
        field(out, name, joined);
    };
    list("scopes", p.scopes);
    list("classes", p.classes);
    list("states", p.states);
    list("addresses", p.addresses);
    list("dispositions", p.dispositions);
    list("ops", p.ops);
    list("opnums", p.opnums);
    list("sessions", p.sessions);
    list("files", p.files);
    list("objects", p.objects);
    list("otypes", p.otypes);
    list("senders", p.senders);
    list("sender_ptypes", p.sender_ptypes);
    list("handlers", p.handlers);
    list("handler_ptypes", p.handler_ptypes);
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
