#include "errors.h"

#include <cctype>
#include <charconv>

namespace ttbus::protocol {

std::string error_name(std::int32_t status) {
    std::string_view tt = status_name(static_cast<Status>(status));
    if (tt.empty()) return std::string(error_prefix) + "Failed";
    for (std::string_view prefix : {"TT_ERR_", "TT_WRN_", "TT_"}) {
        if (tt.substr(0, prefix.size()) == prefix) {
            tt.remove_prefix(prefix.size());
            break;
        }
    }
    std::string name(error_prefix);
    bool upper = true;
    for (char c : tt) {
        if (c == '_') {
            upper = true;
            continue;
        }
        name += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        upper = false;
    }
    return name;
}

std::string error_message(std::int32_t status, std::string_view text) {
    const std::string_view tt = status_name(static_cast<Status>(status));
    std::string out = std::to_string(status);
    if (!tt.empty()) {
        out += ' ';
        out += tt;
    }
    out += ": ";
    out += text;
    return out;
}

std::optional<std::int32_t> error_status(std::string_view name, std::string_view message) {
    std::int32_t status = 0;
    const auto [end, ec] = std::from_chars(message.data(), message.data() + message.size(), status);
    if (ec != std::errc() || end == message.data()) return std::nullopt;
    const std::string_view rest(end, static_cast<std::size_t>(message.data() + message.size() - end));
    const std::string_view tt = status_name(static_cast<Status>(status));
    if (!tt.empty() && rest.size() > tt.size() && rest[0] == ' ' && rest.substr(1, tt.size()) == tt &&
        rest[tt.size() + 1] == ':') {
        return status;
    }
    if (name.starts_with(error_prefix) && rest.starts_with(':')) return status;
    return std::nullopt;
}

}  // namespace ttbus::protocol
