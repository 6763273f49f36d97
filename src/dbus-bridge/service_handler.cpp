#include "service_handler.h"

#include "dbus_status.h"
#include "value_conversion.h"

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

bool is_in(Mode mode) { return mode == Mode::IN || mode == Mode::INOUT; }
bool is_out(Mode mode) { return mode == Mode::OUT || mode == Mode::INOUT; }

// The method's input tuple, or nullptr with `error` saying which value could not be converted.
GVariant* build_parameters(const protocol::MessageBody& m, const OpBinding& b, std::string& error) {
    std::vector<InItem> items;
    if (b.in) {
        items = *b.in;
    } else {
        for (std::size_t i = 0; i < m.args.size(); ++i) {
            if (!is_in(m.args[i].mode)) continue;
            items.push_back({InItem::Source::Arg, static_cast<int>(i), {}, {}, protocol::is_int(m.args[i].value) ? "i" : "s"});
        }
    }
    GVariantBuilder builder;
    g_variant_builder_init(&builder, G_VARIANT_TYPE_TUPLE);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const InItem& item = items[i];
        std::string why;
        GVariant* v = nullptr;
        if (item.source == InItem::Source::Arg) {
            if (item.arg >= static_cast<int>(m.args.size())) {
                why = "arg " + std::to_string(item.arg) + " does not exist (the message has " +
                      std::to_string(m.args.size()) + ")";
            } else {
                v = arg_to_dbus(m.args[static_cast<std::size_t>(item.arg)], item.type, why);
                if (v == nullptr) why = "arg " + std::to_string(item.arg) + " " + why;
            }
        } else if (item.source == InItem::Source::Field) {
            v = text_to_dbus(field_value(m, item.field), why);
            if (v == nullptr) why = "field " + item.field + " " + why;
        } else {
            v = constant_to_dbus(item.value, item.type);
        }
        if (v == nullptr) {
            g_variant_builder_clear(&builder);
            error = "D-Bus argument " + std::to_string(i) + ": " + why;
            return nullptr;
        }
        g_variant_builder_add_value(&builder, v);
    }
    return g_variant_builder_end(&builder);
}

// Puts the reply's values into the OUT/INOUT args; false with `error` when the reply does not fit.
bool apply_reply(GVariant* reply, const OpBinding& b, std::vector<protocol::Arg>& args, std::string& error) {
    std::vector<OutItem> items;
    if (b.out) {
        items = *b.out;
    } else {
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (is_out(args[i].mode)) items.push_back({static_cast<int>(i), ""});
        }
    }
    const gsize n = g_variant_n_children(reply);
    if (n != items.size()) {
        error = "the reply has " + std::to_string(n) + " values (" + g_variant_get_type_string(reply) +
                "), the binding expects " + std::to_string(items.size());
        return false;
    }
    for (gsize i = 0; i < n; ++i) {
        const OutItem& item = items[i];
        if (item.arg < 0) continue;
        GVariant* v = g_variant_get_child_value(reply, i);
        const std::string type = g_variant_get_type_string(v);
        std::string why;
        protocol::Value value;
        bool converted = false;
        if (!item.type.empty() && type != item.type) {
            why = "has D-Bus type " + type + ", the binding expects " + item.type;
        } else if (item.arg >= static_cast<int>(args.size()) || !is_out(args[static_cast<std::size_t>(item.arg)].mode)) {
            why = "would fill arg " + std::to_string(item.arg) + ", which is not an out or inout arg of the message";
        } else {
            converted = dbus_to_value(v, value, why);
        }
        g_variant_unref(v);
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

struct ServiceHandler::PendingCall {
    BrokerLink& broker;
    TtMessage message;
    std::shared_ptr<const OpBinding> binding;
};

void ServiceHandler::handle(const TtMessage& message, std::shared_ptr<const OpBinding> binding) {
    std::string error;
    GVariant* parameters = build_parameters(message.w.body, *binding, error);
    const bool request = message.is(Class::REQUEST);
    if (parameters == nullptr) {
        g_warning("%s: %s: %s", message.id().c_str(), where(*binding).c_str(), error.c_str());
        if (request) broker_.fail(message.id(), status_einval, "x-dbus binding " + where(*binding) + ": " + error);
        return;
    }
    if (!request) {
        // A notice: nobody waits for an answer, so neither does the bridge.
        g_dbus_connection_call(bus_, binding->bus_name.c_str(), binding->path.c_str(), binding->interface.c_str(),
                               binding->method.c_str(), parameters, nullptr, G_DBUS_CALL_FLAGS_NONE, -1, nullptr,
                               nullptr, nullptr);
        return;
    }
    auto* pending = new PendingCall{broker_, message, std::move(binding)};
    const OpBinding& b = *pending->binding;
    g_dbus_connection_call(bus_, b.bus_name.c_str(), b.path.c_str(), b.interface.c_str(), b.method.c_str(), parameters,
                           nullptr, G_DBUS_CALL_FLAGS_NONE, b.timeout_ms, nullptr, call_done, pending);
}

void ServiceHandler::call_done(GObject* source, GAsyncResult* result, gpointer data) {
    std::unique_ptr<PendingCall> pending(static_cast<PendingCall*>(data));
    const OpBinding& b = *pending->binding;
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    if (reply == nullptr) {
        const Failure f = failure_from_error(error, b.errors);
        g_error_free(error);
        pending->broker.fail(pending->message.id(), f.status, f.text);
        return;
    }
    std::vector<protocol::Arg> args = pending->message.w.body.args;
    std::string why;
    const bool fits = apply_reply(reply, b, args, why);
    g_variant_unref(reply);
    if (!fits) {
        g_warning("%s: %s: %s", pending->message.id().c_str(), where(b).c_str(), why.c_str());
        pending->broker.fail(pending->message.id(), status_eproto, "x-dbus binding " + where(b) + ": " + why);
        return;
    }
    pending->broker.reply(pending->message.id(), args);
}

}  // namespace ttbus::bridge
