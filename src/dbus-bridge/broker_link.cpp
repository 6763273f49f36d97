#include "broker_link.h"

#include "async_call.h"

#include "protocol/names.h"

#include <glib.h>

#include <cstring>

namespace ttbus::bridge {

namespace {

// Owns a reference to a message.
struct MessageRef {
    sd_bus_message* m = nullptr;
    ~MessageRef() { sd_bus_message_unref(m); }
};

// A call that failed: the broker's error, or the local reason (no bus, no broker).
[[noreturn]] void refused(sd_bus_error& error, int r) {
    std::string name = "org.freedesktop.DBus.Error.Failed";
    std::string message = std::strerror(-r);
    if (sd_bus_error_is_set(&error)) {
        name = error.name;
        message = error.message != nullptr ? error.message : "";
    }
    sd_bus_error_free(&error);
    throw BrokerError(name, message);
}

[[noreturn]] void unreadable(int r) {
    throw BrokerError("org.freedesktop.DBus.Error.InvalidArgs", std::string("the broker's reply: ") + std::strerror(-r));
}

}  // namespace

BrokerLink::BrokerLink(sd_bus* bus, DeliveredHandler on_delivered) : bus_(bus), on_delivered_(std::move(on_delivered)) {
    // State changes of sent messages (Updated) are not asked for: the bridge sends nothing of its own.
    int r = sd_bus_match_signal(bus_, &match_, protocol::broker_bus_name, protocol::broker_object_path,
                                protocol::procid_interface, protocol::delivered_signal, on_signal, this);
    if (r < 0) throw BrokerError("org.freedesktop.DBus.Error.Failed", std::string("match Delivered: ") + std::strerror(-r));
}

BrokerLink::~BrokerLink() { sd_bus_slot_unref(match_); }

int BrokerLink::on_signal(sd_bus_message* m, void* data, sd_bus_error*) {
    auto* self = static_cast<BrokerLink*>(data);
    try {
        if (std::strcmp(protocol::read_string(m), self->procid_.c_str()) != 0) return 0;
        TtMessage message;
        protocol::read_message(m, message.w, protocol::Party::broker, &message.delivery);
        self->on_delivered_(message);
    } catch (const protocol::Failure& f) {
        g_warning("a Delivered signal the bridge cannot read: %s", f.what());
    }
    return 0;
}

sd_bus_message* BrokerLink::call(const char* interface, const char* method, const Build& build) {
    MessageRef request;
    sd_bus_error error{};
    int r = sd_bus_message_new_method_call(bus_, &request.m, protocol::broker_bus_name, protocol::broker_object_path,
                                           interface, method);
    try {
        if (r >= 0 && build) {
            protocol::Writer w(request.m);
            build(w);
        }
    } catch (const protocol::Failure& f) {
        throw BrokerError("org.freedesktop.DBus.Error.InvalidArgs", f.what());
    }
    sd_bus_message* reply = nullptr;
    if (r >= 0) r = sd_bus_call(bus_, request.m, 0, &error, &reply);
    if (r < 0) refused(error, r);
    return reply;
}

void BrokerLink::open() {
    MessageRef reply{call(protocol::broker_interface, "Open", [](protocol::Writer& w) {
        w.open('a', "{sv}");
        w.close();
    })};
    const char* procid = nullptr;
    const char* session = nullptr;
    if (int r = sd_bus_message_read(reply.m, "ss", &procid, &session); r < 0) unreadable(r);
    procid_ = procid;
    session_ = session;
}

bool BrokerLink::ptype_exists(const std::string& ptype) {
    try {
        MessageRef reply{call(protocol::broker_interface, "PtypeExists", [&](protocol::Writer& w) { w.string(ptype); })};
        return true;
    } catch (const BrokerError& e) {
        if (e.name() == "org.ttbus.Error.Ptype") return false;
        throw;
    }
}

void BrokerLink::declare_ptype(const std::string& ptype) {
    MessageRef reply{call(protocol::procid_interface, "PtypeDeclare", [&](protocol::Writer& w) {
        w.string(procid_);
        w.string(ptype);
    })};
}

std::uint64_t BrokerLink::register_pattern(const protocol::Pattern& pattern) {
    MessageRef reply{call(protocol::procid_interface, "PatternRegister", [&](protocol::Writer& w) {
        w.string(procid_);
        protocol::write_pattern(w, pattern, protocol::Defaults::omit);
    })};
    std::uint64_t id = 0;
    if (int r = sd_bus_message_read_basic(reply.m, 't', &id); r < 0) unreadable(r);
    return id;
}

void BrokerLink::join_session() {
    MessageRef reply{call(protocol::procid_interface, "SessionJoin", [&](protocol::Writer& w) {
        w.string(procid_);
        w.string(session_);
    })};
}

void BrokerLink::reply(const std::string& id, const std::vector<protocol::Arg>& args) {
    answer("Reply", id, [&](protocol::Writer& w) { protocol::write_answer(w, args, 0, ""); });
}

void BrokerLink::fail(const std::string& id, std::int32_t status, const std::string& text) {
    answer("Fail", id, [&](protocol::Writer& w) { protocol::write_answer(w, {}, status, text); });
}

void BrokerLink::reject(const std::string& id) { answer("Reject", id, {}); }

void BrokerLink::abstain(const std::string& id) { answer("Abstain", id, {}); }

void BrokerLink::answer(const char* method, const std::string& id, const Build& body) {
    const std::string what = std::string(method) + " " + id;
    MessageRef request;
    int r = sd_bus_message_new_method_call(bus_, &request.m, protocol::broker_bus_name, protocol::broker_object_path,
                                           protocol::procid_interface, method);
    try {
        if (r >= 0) {
            protocol::Writer w(request.m);
            w.string(procid_);
            w.string(id);
            if (body) body(w);
        }
    } catch (const protocol::Failure& f) {
        g_warning("%s: %s", what.c_str(), f.what());
        return;
    }
    if (r >= 0) {
        r = call_async(bus_, request.m, [what](sd_bus_message* reply) {
            // The answer failed; the call's description goes with the error into the log.
            if (const sd_bus_error* e = sd_bus_message_get_error(reply)) {
                g_warning("%s: %s: %s", what.c_str(), e->name, e->message ? e->message : "");
            }
        });
    }
    if (r < 0) g_warning("%s: %s", what.c_str(), std::strerror(-r));
}

}  // namespace ttbus::bridge
