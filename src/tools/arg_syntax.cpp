#include "arg_syntax.h"

#include "protocol/enums.h"

#include <charconv>
#include <string>

namespace ttbus::tools {

namespace {

using protocol::Mode;

Mode parse_mode(std::string_view text) {
    if (text == "in") return Mode::IN;
    if (text == "out") return Mode::OUT;
    if (text == "inout") return Mode::INOUT;
    throw ArgSyntaxError("mode must be in, out or inout, not '" + std::string(text) + "'");
}

std::int32_t parse_int(std::string_view text) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    int base = 10;
    bool negative = false;
    if (first != last && (*first == '-' || *first == '+')) {
        negative = *first == '-';
        ++first;
    }
    if (last - first > 2 && first[0] == '0' && (first[1] == 'x' || first[1] == 'X')) {
        base = 16;
        first += 2;
    }
    // Parsed as 64 bits so that -2147483648 and 0xffffffff-style overflows are judged on the value.
    std::int64_t magnitude = 0;
    auto [end, ec] = std::from_chars(first, last, magnitude, base);
    if (first == last || ec != std::errc() || end != last || magnitude < 0) {
        throw ArgSyntaxError("'" + std::string(text) + "' is not an integer");
    }
    std::int64_t signed_value = negative ? -magnitude : magnitude;
    if (signed_value < INT32_MIN || signed_value > INT32_MAX) {
        throw ArgSyntaxError("'" + std::string(text) + "' does not fit in 32 bits");
    }
    return static_cast<std::int32_t>(signed_value);
}

WireArg with_value(Mode mode, std::string vtype, std::string_view kind, std::string_view value) {
    auto m = static_cast<std::int32_t>(mode);
    if (kind == "int") return WireArg{m, std::move(vtype), kind_int, parse_int(value), Bytes{}};
    if (kind == "bytes") {
        auto bytes = from_hex(value);
        if (!bytes) throw ArgSyntaxError("'" + std::string(value) + "' is not hex bytes");
        return WireArg{m, std::move(vtype), kind_bytes, 0, std::move(*bytes)};
    }
    return WireArg{m, std::move(vtype), kind_bytes, 0, Bytes(value.begin(), value.end())};
}

}  // namespace

WireArg parse_arg(std::string_view text) {
    auto first_colon = text.find(':');
    if (first_colon == std::string_view::npos) {
        throw ArgSyntaxError("argument '" + std::string(text) + "' is not MODE:VTYPE[:VALUE]");
    }
    Mode mode = parse_mode(text.substr(0, first_colon));
    std::string_view rest = text.substr(first_colon + 1);
    auto second_colon = rest.find(':');
    std::string vtype(rest.substr(0, second_colon));
    if (vtype.empty()) throw ArgSyntaxError("argument '" + std::string(text) + "' has no vtype");
    if (second_colon == std::string_view::npos) {
        return WireArg{static_cast<std::int32_t>(mode), std::move(vtype), kind_unset, 0, Bytes{}};
    }
    std::string_view value = rest.substr(second_colon + 1);
    for (std::string_view kind : {"int", "string", "bytes"}) {
        if (value.size() > kind.size() && value.substr(0, kind.size()) == kind && value[kind.size()] == ':') {
            return with_value(mode, std::move(vtype), kind, value.substr(kind.size() + 1));
        }
    }
    std::string_view implied = vtype == "int" ? "int" : vtype == "bytes" ? "bytes" : "string";
    return with_value(mode, std::move(vtype), implied, value);
}

}  // namespace ttbus::tools
