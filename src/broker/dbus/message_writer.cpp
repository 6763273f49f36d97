#include "message_writer.h"

#include "wire.h"

#include <sdbus-c++/TypeTraits.h>

namespace ttbus::dbus {

namespace {

template <typename T>
void entry(sdbus::Message& out, const char* key, const T& value) {
    out.openDictEntry("sv");
    out << key;
    out.openVariant(sdbus::signature_of<T>::str());
    out << value;
    out.closeVariant();
    out.closeDictEntry();
}

void args_entry(sdbus::Message& out, const std::vector<core::Arg>& args) {
    out.openDictEntry("sv");
    out << "args";
    out.openVariant("a(isuiay)");
    out.openContainer("(isuiay)");
    for (const auto& a : args) {
        WireValue v = encode_value(a.value);
        out.openStruct("isuiay");
        out << static_cast<std::int32_t>(a.mode) << a.vtype << v.get<0>() << v.get<1>() << v.get<2>();
        out.closeStruct();
    }
    out.closeContainer();
    out.closeVariant();
    out.closeDictEntry();
}

void contexts_entry(sdbus::Message& out, const std::vector<core::Context>& contexts) {
    out.openDictEntry("sv");
    out << "contexts";
    out.openVariant("a(suiay)");
    out.openContainer("(suiay)");
    for (const auto& c : contexts) {
        WireValue v = encode_value(c.value);
        out.openStruct("suiay");
        out << c.slot << v.get<0>() << v.get<1>() << v.get<2>();
        out.closeStruct();
    }
    out.closeContainer();
    out.closeVariant();
    out.closeDictEntry();
}

}  // namespace

void write_message(sdbus::Message& out, const core::MessageView& m, const DeliveryKeys* delivery) {
    const auto& b = *m.body;
    const auto& h = m.header;
    out.openContainer("{sv}");
    entry(out, "id", b.id);
    entry(out, "class", static_cast<std::int32_t>(b.cls));
    entry(out, "address", static_cast<std::int32_t>(b.address));
    entry(out, "scope", static_cast<std::int32_t>(h.scope));
    entry(out, "disposition", static_cast<std::int32_t>(h.disposition));
    entry(out, "op", b.op);
    args_entry(out, b.args);
    contexts_entry(out, b.contexts);
    entry(out, "file", b.file);
    entry(out, "object", b.object);
    entry(out, "otype", b.otype);
    entry(out, "session", b.session);
    entry(out, "sender", b.sender);
    entry(out, "sender_ptype", b.sender_ptype);
    entry(out, "uid", b.uid);
    entry(out, "gid", b.gid);
    entry(out, "state", static_cast<std::int32_t>(h.state));
    entry(out, "opnum", h.opnum);
    entry(out, "handler", h.handler);
    entry(out, "handler_ptype", h.handler_ptype);
    entry(out, "status", h.status);
    entry(out, "status_string", h.status_string);
    if (b.cls == core::Class::OFFER) {
        entry(out, "accepters", h.accepters);
        entry(out, "rejecters", h.rejecters);
        entry(out, "abstainers", h.abstainers);
    }
    if (delivery != nullptr) {
        entry(out, "pattern", delivery->pattern);
        entry(out, "delivery", delivery->delivery);
        entry(out, "start_message", delivery->start_message);
    }
    out.closeContainer();
}

}  // namespace ttbus::dbus
