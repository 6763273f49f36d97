#include "spec.h"

#include <sys/random.h>

#include <algorithm>
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

bool is_objid(std::string_view objid) {
    const std::string_view key = objid.substr(std::min(objid.size(), prefix.size()));
    return objid.substr(0, prefix.size()) == prefix && key.size() == 32 &&
           key.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string_view objid_key(std::string_view objid) {
    return objid.substr(0, prefix.size()) == prefix ? objid.substr(prefix.size()) : objid;
}

}  // namespace ttbus::protocol
