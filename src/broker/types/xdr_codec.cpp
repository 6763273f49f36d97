#include "xdr_codec.h"

#include "text.h"

namespace ttbus::types {

namespace {
std::size_t padded(std::size_t n) { return (n + 3) & ~std::size_t{3}; }
}  // namespace

std::string_view XdrReader::bytes(std::size_t n) {
    if (n > data_.size() - pos_) throw XdrError(text::translate(N_("truncated")));
    auto v = data_.substr(pos_, n);
    pos_ += n;
    return v;
}

std::int32_t XdrReader::i32() {
    auto b = bytes(4);
    std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(b[0])} << 24) |
                      (std::uint32_t{static_cast<unsigned char>(b[1])} << 16) |
                      (std::uint32_t{static_cast<unsigned char>(b[2])} << 8) |
                      std::uint32_t{static_cast<unsigned char>(b[3])};
    return static_cast<std::int32_t>(v);
}

std::optional<std::string> XdrReader::str() {
    std::int32_t len = i32();
    if (version_ == 1) {
        if (len < 0) throw XdrError(text::translate(N_("negative string length")));
        if (len == 0) return std::string();
        std::int32_t inner = i32();
        if (inner != len) throw XdrError(text::translate(N_("inconsistent string length")));
    } else {
        if (len == -1) return std::nullopt;
        if (len < 0) throw XdrError(text::translate(N_("negative string length")));
    }
    auto n = static_cast<std::size_t>(len);
    if (padded(n) > data_.size() - pos_) throw XdrError(text::translate(N_("truncated string")));
    std::string s(bytes(n));
    bytes(padded(n) - n);
    return s;
}

std::uint32_t XdrReader::count() {
    std::int32_t n = i32();
    // Every element takes at least one 4-byte unit.
    if (n < 0 || static_cast<std::size_t>(n) > (data_.size() - pos_) / 4) throw XdrError(text::translate(N_("impossible element count")));
    return static_cast<std::uint32_t>(n);
}

bool XdrReader::present() {
    std::int32_t flag = i32();
    if (flag != 0 && flag != 1) throw XdrError(text::translate(N_("bad pointer flag")));
    return flag == 0;
}

void XdrWriter::i32(std::int32_t v) {
    auto u = static_cast<std::uint32_t>(v);
    out_ += static_cast<char>(u >> 24);
    out_ += static_cast<char>((u >> 16) & 0xff);
    out_ += static_cast<char>((u >> 8) & 0xff);
    out_ += static_cast<char>(u & 0xff);
}

void XdrWriter::opaque(std::string_view s) {
    out_ += s;
    out_.append(padded(s.size()) - s.size(), '\0');
}

void XdrWriter::str(std::string_view s) {
    auto len = static_cast<std::int32_t>(s.size());
    i32(len);
    if (version_ == 1) {
        if (len == 0) return;
        i32(len);
    }
    opaque(s);
}

void XdrWriter::null_str() { i32(version_ == 1 ? 0 : -1); }

}  // namespace ttbus::types
