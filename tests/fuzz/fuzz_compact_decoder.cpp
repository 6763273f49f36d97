// libFuzzer target: the readers of the compact form of the peer link (src/protocol/compact.h). The
// first byte picks the part (a client's message, a broker's message, a delivery, a body, an update,
// an answer, a batch of deliveries); the rest is the part, and also a packed part (the procid ahead of
// the part: unpack). Every reader must read it or refuse it with a Failure. What
// one accepts must write back to the same bytes' meaning (read again, the same object), and must
// be writable as the a{sv} form: the broker writes what it read again to bus clients and monitors.
#include "fuzz_bus.h"
#include "protocol/compact.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace ttbus::protocol;

// The a{sv} form of what was read: sd-bus must take every string of it.
void writes_as_dictionary(const Message& m, Party by, const DeliveryKeys* delivery) {
    sd_bus_message* out = nullptr;
    if (sd_bus_message_new_signal(fuzz_bus(), &out, "/f", "f.F", "M") < 0) std::abort();
    try {
        Writer w(out);
        write_message(w, m.body, m.header, by, delivery);
    } catch (const Failure&) {
        std::abort();
    }
    sd_bus_message_unref(out);
}

template <typename Read>
bool reads(Read&& read) {
    try {
        read();
        return true;
    } catch (const Failure&) {
        return false;
    }
}

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view part(reinterpret_cast<const char*>(data) + 1, size - 1);
    // Any part may also be taken for a packed one (its procid ahead of the part): the head reads
    // back to the same bytes.
    compact::Packed packed;
    if (reads([&] { packed = compact::unpack(part); })) {
        check(compact::is_bus_string(packed.procid) && compact::packed_head(packed.procid) + std::string(packed.part) == part);
    }
    std::string again;
    switch (data[0] % 7) {
    case 0:
    case 1: {
        const Party from = data[0] % 6 == 0 ? Party::client : Party::broker;
        Message m;
        if (!reads([&] { compact::read_message(part, m, from); })) return 0;
        writes_as_dictionary(m, from, nullptr);
        compact::append_message(again, m.body, m.header, from);
        // The votes travel only with an offer (a part may carry them for any class).
        if (m.body.cls != Class::OFFER) m.header.accepters = m.header.rejecters = m.header.abstainers = {};
        Message reread;
        check(reads([&] { compact::read_message(again, reread, from); }) && reread == m);
        break;
    }
    case 2: {
        Message m;
        DeliveryKeys d;
        if (!reads([&] { compact::read_delivery(part, d, m.header); })) return 0;
        writes_as_dictionary(m, Party::broker, &d);
        compact::append_delivery(again, d, m.header, Class::OFFER);
        Message reread;
        DeliveryKeys redelivery;
        check(reads([&] { compact::read_delivery(again, redelivery, reread.header); }) && reread == m &&
              redelivery == d);
        break;
    }
    case 3: {
        Message m;
        if (!reads([&] { compact::read_body(part, m.body); })) return 0;
        writes_as_dictionary(m, Party::broker, nullptr);
        compact::append_body(again, m.body);
        Message reread;
        check(reads([&] { compact::read_body(again, reread.body); }) && reread == m);
        break;
    }
    case 4: {
        compact::Update u;
        if (!reads([&] { compact::read_update(part, u); })) return 0;
        Message m;
        m.body.id = u.id;
        m.body.cls = Class::OFFER;
        m.body.args.resize(u.values.size(), Arg{Mode::OUT, "v", {}});
        check(compact::apply(u, m));
        writes_as_dictionary(m, Party::broker, nullptr);
        compact::append_update(again, m.body, m.header);
        compact::Update reread;
        check(reads([&] { compact::read_update(again, reread); }) && reread == u);
        break;
    }
    case 6: {
        std::vector<compact::Delivered> batch;
        if (!reads([&] { batch = compact::read_batch(part); })) return 0;
        for (auto& d : batch) {
            writes_as_dictionary(d.message, Party::broker, &d.delivery);
            std::string delivery;
            std::string body;
            compact::append_delivery(delivery, d.delivery, d.message.header, Class::OFFER);
            compact::append_body(body, d.message.body);
            compact::append_to_batch(again, delivery, body);
        }
        std::vector<compact::Delivered> reread;
        check(reads([&] { reread = compact::read_batch(again); }) && reread == batch);
        break;
    }
    default: {
        Answer a;
        if (!reads([&] { compact::read_answer(part, a); })) return 0;
        std::vector<Arg> args;
        for (const auto& v : a.args) args.push_back({Mode::OUT, "v", v});
        compact::append_answer(again, args, a.status, a.status_string);
        Answer reread;
        check(reads([&] { compact::read_answer(again, reread); }) && reread == a);
        break;
    }
    }
    return 0;
}
