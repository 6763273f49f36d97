#include "objid.h"

#include <sys/random.h>

#include <cstdint>

namespace ttbus::protocol {

namespace {
constexpr std::string_view prefix = "ttbus:";
}

std::string new_objid() {
    std::uint8_t bytes[16];
    if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) return {};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(prefix);
    for (std::uint8_t b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 0xf];
    }
    return id;
}

std::string_view objid_key(std::string_view objid) {
    return objid.substr(0, prefix.size()) == prefix ? objid.substr(prefix.size()) : objid;
}

}  // namespace ttbus::protocol
