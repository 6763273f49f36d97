// libFuzzer target: the protocol's reader (src/protocol/wire.h). The input drives the building of
// one D-Bus message: an a{sv} whose keys come from the key tables or are made up, whose variants
// hold the expected signature or another one, with values of any size and content. Every reader
// must either read it or refuse it with a Failure; what a reader accepts must write back to a
// message that reads the same.
#include "fuzz_bus.h"
#include "protocol/wire.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using namespace ttbus::protocol;

// The input, consumed a byte at a time; zeros once it runs out.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::uint32_t number() { return byte() | byte() << 8 | byte() << 16 | static_cast<std::uint32_t>(byte()) << 24; }
    std::string text() {
        std::string s;
        for (std::uint8_t n = byte() % 12; n > 0; --n) s += static_cast<char>(byte() & 0x7f);
        return s;
    }
    bool done() const { return pos_ >= size_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

constexpr const char* signatures[] = {"s", "i", "u", "t", "b", "as", "ai", "at", "(uiay)", "a(isuiay)", "a(suiay)",
                                      "a(sa(uiay))", "ay", "v"};

// The end of the single complete type that starts at sig[i].
std::size_t type_end(std::string_view sig, std::size_t i) {
    if (sig[i] == 'a') return type_end(sig, i + 1);
    if (sig[i] != '(' && sig[i] != '{') return i + 1;
    int depth = 0;
    do {
        if (sig[i] == '(' || sig[i] == '{') ++depth;
        if (sig[i] == ')' || sig[i] == '}') --depth;
        ++i;
    } while (depth > 0);
    return i;
}

// Appends a value of the complete type `sig`; false when sd-bus refuses (a string that is not
// UTF-8 cannot be built, so nothing of it needs reading).
bool append(sd_bus_message* m, std::string_view sig, Input& in, int depth) {
    const std::string type(sig);
    switch (sig[0]) {
    case 's': {
        const std::string s = in.text();
        return sd_bus_message_append_basic(m, 's', s.c_str()) >= 0;
    }
    case 'i': case 'u': case 'b': {
        std::uint32_t v = in.number();
        if (sig[0] == 'b') v &= 1;
        return sd_bus_message_append_basic(m, sig[0], &v) >= 0;
    }
    case 't': {
        const std::uint64_t v = in.number() | static_cast<std::uint64_t>(in.number()) << 32;
        return sd_bus_message_append_basic(m, 't', &v) >= 0;
    }
    case 'y': {
        const std::uint8_t v = in.byte();
        return sd_bus_message_append_basic(m, 'y', &v) >= 0;
    }
    case 'v': {
        const char* inner = depth > 3 ? "i" : signatures[in.byte() % std::size(signatures)];
        return sd_bus_message_open_container(m, 'v', inner) >= 0 && append(m, inner, in, depth + 1) &&
               sd_bus_message_close_container(m) >= 0;
    }
    case 'a': {
        const std::string element(sig.substr(1, type_end(sig, 1) - 1));
        if (sd_bus_message_open_container(m, 'a', element.c_str()) < 0) return false;
        for (std::uint8_t n = depth > 3 ? 0 : in.byte() % 4; n > 0; --n) {
            if (!append(m, element, in, depth + 1)) return false;
        }
        return sd_bus_message_close_container(m) >= 0;
    }
    default: {  // a struct or a dict entry
        const std::string contents(sig.substr(1, sig.size() - 2));
        if (sd_bus_message_open_container(m, sig[0] == '(' ? 'r' : 'e', contents.c_str()) < 0) return false;
        for (std::size_t i = 0; i < contents.size(); i = type_end(contents, i)) {
            if (!append(m, std::string_view(contents).substr(i, type_end(contents, i) - i), in, depth + 1)) return false;
        }
        return sd_bus_message_close_container(m) >= 0;
    }
    }
}

// An a{sv} of up to 16 entries: known keys with their signature or another, and made-up keys.
bool append_dictionary(sd_bus_message* m, const Key* keys, std::size_t n, Input& in) {
    if (sd_bus_message_open_container(m, 'a', "{sv}") < 0) return false;
    for (std::uint8_t count = in.byte() % 17; count > 0 && !in.done(); --count) {
        const std::uint8_t pick = in.byte();
        std::string key = pick % 8 == 7 ? in.text() : std::string(keys[pick % n].name);
        const char* sig = in.byte() % 4 == 0 ? signatures[in.byte() % std::size(signatures)] : keys[pick % n].signature;
        if (sd_bus_message_open_container(m, 'e', "sv") < 0 || sd_bus_message_append_basic(m, 's', key.c_str()) < 0 ||
            sd_bus_message_open_container(m, 'v', sig) < 0 || !append(m, sig, in, 1) ||
            sd_bus_message_close_container(m) < 0 || sd_bus_message_close_container(m) < 0) {
            return false;
        }
    }
    return sd_bus_message_close_container(m) >= 0;
}

// A sealed signal holding what `write` appended, ready to read; nullptr when it could not be built.
template <typename F>
sd_bus_message* build(F&& write) {
    sd_bus_message* m = nullptr;
    if (sd_bus_message_new_signal(fuzz_bus(), &m, "/f", "f.F", "M") < 0) std::abort();
    if (!write(m) || sd_bus_message_seal(m, 1, 0) < 0 || sd_bus_message_rewind(m, 1) < 0) {
        sd_bus_message_unref(m);
        return nullptr;
    }
    return m;
}

template <typename Read>
bool reads(sd_bus_message* m, Read&& read) {
    try {
        read(m);
        return true;
    } catch (const Failure&) {
        return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    const std::uint8_t which = in.byte() % 4;
    const Key* keys = which == 2 ? pattern_keys : which == 3 ? answer_keys : message_keys;
    const std::size_t n = which == 2 ? std::size(pattern_keys) : which == 3 ? std::size(answer_keys) : std::size(message_keys);
    sd_bus_message* m = build([&](sd_bus_message* b) { return append_dictionary(b, keys, n, in); });
    if (m == nullptr) return 0;
    if (which < 2) {
        const Party from = which == 0 ? Party::client : Party::broker;
        Message read;
        DeliveryKeys delivery;
        if (reads(m, [&](sd_bus_message* x) { read_message(x, read, from, &delivery); })) {
            // What was read writes back, as the party that wrote it, to what reads the same.
            sd_bus_message* again = build([&](sd_bus_message* b) {
                Writer w(b);
                write_message(w, read.body, read.header, from, &delivery);
                return true;
            });
            Message reread;
            DeliveryKeys redelivery;
            if (again == nullptr || !reads(again, [&](sd_bus_message* x) { read_message(x, reread, from, &redelivery); })) {
                std::abort();
            }
            const bool same = reread.body.id == read.body.id && reread.body.args == read.body.args &&
                              reread.body.contexts == read.body.contexts && reread.header.status == read.header.status &&
                              reread.body.super == read.body.super && reread.header.handler == read.header.handler;
            if (!same) std::abort();
            sd_bus_message_unref(again);
        }
    } else if (which == 2) {
        Pattern p;
        if (reads(m, [&](sd_bus_message* x) { read_pattern(x, p); })) {
            sd_bus_message* again = build([&](sd_bus_message* b) {
                Writer w(b);
                write_pattern(w, p);
                return true;
            });
            Pattern reread;
            if (again == nullptr || !reads(again, [&](sd_bus_message* x) { read_pattern(x, reread); }) ||
                !(reread == p)) {
                std::abort();
            }
            sd_bus_message_unref(again);
        }
    } else {
        Answer a;
        reads(m, [&](sd_bus_message* x) { read_answer(x, a); });
    }
    sd_bus_message_unref(m);
    return 0;
}
