#include "wire.h"

#include <cerrno>

namespace ttc {

namespace {

// A message the writer cannot build (a string that is not UTF-8) or the reader refuses is
// unusable: -EINVAL, which the callers turn into TT_ERR_INTERNAL or a dropped signal.
template <typename F>
int guarded(F&& f) {
    try {
        f();
        return 0;
    } catch (const protocol::Failure&) {
        return -EINVAL;
    }
}

}  // namespace

int append_value(sd_bus_message* m, const Value& v) {
    return guarded([&] {
        protocol::Writer w(m);
        w.open('r', "uiay");
        w.value(v);
        w.close();
    });
}

// A compact part, built then appended as one array. It is built in a buffer kept for the next
// part: one that grew to a message's size allocates nothing more for the messages after it (up to
// a bound, past which a rare big message's memory is given back).
template <typename F>
int append_part(sd_bus_message* m, F&& write) {
    constexpr std::size_t kept_bytes = std::size_t{64} << 10;
    thread_local std::string part;
    part.clear();
    const int r = guarded([&] {
        write(part);
        protocol::Writer(m).bytes(part);
    });
    if (part.capacity() > kept_bytes) std::string().swap(part);
    return r;
}

// A client leaves out the keys that hold their defaults: every entry costs each reader a walk.
int append_message(sd_bus_message* m, const protocol::Message& msg, bool compact) {
    if (compact) {
        return append_part(m, [&](std::string& part) {
            protocol::compact::append_message(part, msg.body, msg.header, protocol::Party::client);
        });
    }
    return guarded([&] {
        protocol::Writer w(m);
        protocol::write_message(w, msg.body, msg.header, protocol::Party::client, nullptr, protocol::Defaults::omit);
    });
}

int append_packed_message(sd_bus_message* m, const std::string& procid, const protocol::Message& msg) {
    return append_part(m, [&](std::string& part) {
        protocol::compact::append_packed_head(part, procid);
        protocol::compact::append_message(part, msg.body, msg.header, protocol::Party::client);
    });
}

int append_packed_answer(sd_bus_message* m, const std::string& procid, const protocol::Message& msg) {
    return append_part(m, [&](std::string& part) {
        protocol::compact::append_packed_answer_head(part, procid, msg.body.id);
        protocol::compact::append_answer(part, msg.body.args, msg.header.status, msg.header.status_string);
    });
}

int append_pattern(sd_bus_message* m, const protocol::Pattern& p) {
    return guarded([&] {
        protocol::Writer w(m);
        protocol::write_pattern(w, p, protocol::Defaults::omit);
    });
}

int append_answer(sd_bus_message* m, const protocol::Message& msg, bool compact) {
    if (compact) {
        return append_part(m, [&](std::string& part) {
            protocol::compact::append_answer(part, msg.body.args, msg.header.status, msg.header.status_string);
        });
    }
    return guarded([&] {
        protocol::Writer w(m);
        protocol::write_answer(w, msg.body.args, msg.header.status, msg.header.status_string);
    });
}

int append_open_options(sd_bus_message* m, const std::string& session, const char* token) {
    return guarded([&] {
        protocol::Writer w(m);
        w.open('a', "{sv}");
        w.entry(protocol::open_keys[protocol::open_key::session], session);
        if (token != nullptr) w.entry(protocol::open_keys[protocol::open_key::token], token);
        w.close();
    });
}

int read_message(sd_bus_message* m, protocol::Message& out, protocol::DeliveryKeys& delivery) {
    return guarded([&] { protocol::read_message(m, out, protocol::Party::broker, &delivery); });
}

int read_delivered(sd_bus_message* m, protocol::Message& out, protocol::DeliveryKeys& delivery) {
    return guarded([&] {
        protocol::compact::read_delivery(protocol::read_bytes(m), delivery, out.header);
        protocol::compact::read_body(protocol::read_bytes(m), out.body);
    });
}

namespace {

// The part of a compact signal that follows its procid: in a packed one, after the procid inside.
std::string_view signal_part(sd_bus_message* m, bool packed) {
    const std::string_view part = protocol::read_bytes(m);
    return packed ? protocol::compact::unpack(part).part : part;
}

}  // namespace

int read_update(sd_bus_message* m, protocol::compact::Update& out, bool packed) {
    return guarded([&] { protocol::compact::read_update(signal_part(m, packed), out); });
}

int read_batch(sd_bus_message* m, bool packed,
               const std::function<std::pair<protocol::Message&, protocol::DeliveryKeys&>()>& add) {
    return guarded([&] {
        for (const auto& entry : protocol::compact::batch_entries(signal_part(m, packed))) {
            auto [message, keys] = add();
            protocol::compact::read_delivery(entry.delivery, keys, message.header);
            protocol::compact::read_body(entry.body, message.body);
        }
    });
}

int read_entries(sd_bus_message* m, std::span<const protocol::Key> keys, const std::function<bool(std::size_t)>& each) {
    return guarded([&] { protocol::read_entries(m, keys, each); });
}

}  // namespace ttc
