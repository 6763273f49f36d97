#include "service_handler.h"

#include "async_call.h"
#include "dbus_status.h"
#include "value_conversion.h"

#include <glib.h>

#include <cstdint>

namespace ttbus::bridge {

namespace {

using protocol::Mode;

// A field of message_fields (dbus_binding.h), by its key.
std::string field_value(const protocol::MessageBody& m, const std::string& field) {
    using namespace protocol::message_key;
    auto is = [&](Index k) { return protocol::message_keys[k].name == field; };
    if (is(file)) return m.file;
    if (is(op)) return m.op;
    if (is(session)) return m.session;
    if (is(sender)) return m.sender;
    if (is(sender_ptype)) return m.sender_ptype;
    return m.id;
}

// Appends the method's input values to `call`; false with `error` saying which value could not be
// converted.
bool append_parameters(sd_bus_message* call, const protocol::MessageBody& m, const OpBinding& b, std::string& error) {
    std::vector<InItem> items;
    if (b.in) {
        items = *b.in;
    } else {
        for (std::size_t i = 0; i < m.args.size(); ++i) {
            if (!is_in(m.args[i].mode)) continue;
            items.push_back({InItem::Source::Arg, static_cast<int>(i), {}, {}, protocol::is_int(m.args[i].value) ? "i" : "s"});
        }
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const InItem& item = items[i];
        std::string why;
        bool appended = false;
        if (item.source == InItem::Source::Arg) {
            if (item.arg >= static_cast<int>(m.args.size())) {
                why = "arg " + std::to_string(item.arg) + " does not exist (the message has " +
                      std::to_string(m.args.size()) + ")";
            } else {
                appended = append_arg(call, m.args[static_cast<std::size_t>(item.arg)], item.type, why);
                if (!appended) why = "arg " + std::to_string(item.arg) + " " + why;
            }
        } else if (item.source == InItem::Source::Field) {
            appended = append_text(call, field_value(m, item.field), why);
            if (!appended) why = "field " + item.field + " " + why;
        } else {
            appended = append_constant(call, item.value, item.type, why);
            if (!appended) why = "constant " + why;
        }
        if (!appended) {
            error = "D-Bus argument " + std::to_string(i) + ": " + why;
            return false;
        }
    }
    return true;
}

// Puts the reply's values into the OUT/INOUT args; false with `error` when the reply does not fit.
bool apply_reply(sd_bus_message* reply, const OpBinding& b, std::vector<protocol::Arg>& args, std::string& error) {
    std::vector<OutItem> items;
    if (b.out) {
        items = *b.out;
    } else {
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (is_out(args[i].mode)) items.push_back({static_cast<int>(i), ""});
        }
    }
    const char* signature = sd_bus_message_get_signature(reply, 1);
    const std::string types = signature != nullptr ? signature : "";
    const std::size_t n = complete_types(types);
    if (n != items.size()) {
        error = "the reply has " + std::to_string(n) + " values ((" + types + ")), the binding expects " +
                std::to_string(items.size());
        return false;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const OutItem& item = items[i];
        const std::string type = next_type(reply);
        std::string why;
        protocol::Value value;
        bool converted = false;
        if (item.arg < 0) {
            converted = sd_bus_message_skip(reply, type.c_str()) >= 0;
            if (converted) continue;
            why = "cannot be skipped";
        } else if (!item.type.empty() && type != item.type) {
            why = "has D-Bus type " + type + ", the binding expects " + item.type;
        } else if (item.arg >= static_cast<int>(args.size()) || !is_out(args[static_cast<std::size_t>(item.arg)].mode)) {
            why = "would fill arg " + std::to_string(item.arg) + ", which is not an out or inout arg of the message";
        } else {
            converted = read_value(reply, value, why);
        }
        if (!converted) {
            error = "reply value " + std::to_string(i) + " " + why;
            return false;
        }
        args[static_cast<std::size_t>(item.arg)].value = std::move(value);
    }
    return true;
}

std::string where(const OpBinding& b) {
    return b.ptype + "." + b.op + " -> " + b.bus_name + " " + b.path + " " + b.interface + "." + b.method;
}

}  // namespace

void ServiceHandler::failed(const TtMessage& message, const OpBinding& b, std::int32_t status, const std::string& why) {
    g_warning("%s: %s: %s", message.id().c_str(), where(b).c_str(), why.c_str());
    broker_.fail(message.id(), status, "x-dbus binding " + where(b) + ": " + why);
}

void ServiceHandler::handle(const TtMessage& message, std::shared_ptr<const OpBinding> binding) {
    const OpBinding& b = *binding;
    const bool request = message.is(Class::REQUEST);
    sd_bus_message* call = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &call, b.bus_name.c_str(), b.path.c_str(), b.interface.c_str(),
                                           b.method.c_str());
    if (r < 0) {
        const Failure f = failure_to_send(r);
        g_warning("%s: %s: %s", message.id().c_str(), where(b).c_str(), f.text.c_str());
        if (request) broker_.fail(message.id(), f.status, f.text);
        return;
    }
    std::string error;
    if (!append_parameters(call, message.w.body, b, error)) {
        sd_bus_message_unref(call);
        if (request) {
            failed(message, b, status_einval, error);
        } else {
            g_warning("%s: %s: %s", message.id().c_str(), where(b).c_str(), error.c_str());
        }
        return;
    }
    if (!request) {
        // A notice: nobody waits for an answer, so neither does the bridge.
        r = sd_bus_message_set_expect_reply(call, 0);
        if (r >= 0) r = sd_bus_send(bus_, call, nullptr);
        if (r < 0) g_warning("%s: %s: %s", message.id().c_str(), where(b).c_str(), failure_to_send(r).text.c_str());
        sd_bus_message_unref(call);
        return;
    }
    const std::uint64_t timeout_usec = b.timeout_ms < 0 ? 0 : static_cast<std::uint64_t>(b.timeout_ms) * 1000;
    r = call_async(
        bus_, call, [this, message, binding](sd_bus_message* reply) { replied(reply, message, *binding); },
        timeout_usec);
    sd_bus_message_unref(call);
    if (r < 0) {
        const Failure f = failure_to_send(r);
        broker_.fail(message.id(), f.status, f.text);
    }
}

void ServiceHandler::replied(sd_bus_message* reply, const TtMessage& message, const OpBinding& b) {
    if (const sd_bus_error* error = sd_bus_message_get_error(reply)) {
        const Failure f = failure_from_error(*error, b.errors);
        broker_.fail(message.id(), f.status, f.text);
        return;
    }
    std::vector<protocol::Arg> args = message.w.body.args;
    std::string why;
    if (!apply_reply(reply, b, args, why)) {
        failed(message, b, status_eproto, why);
        return;
    }
    broker_.reply(message.id(), args);
}

}  // namespace ttbus::bridge
