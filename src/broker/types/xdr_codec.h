// Sun XDR primitives as the classic types.xdr uses them: big-endian 4-byte units, and strings whose
// encoding depends on the database version (facts §3.7).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ttbus::types {

struct XdrError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class XdrReader {
public:
    XdrReader(std::string_view data, int version) : data_(data), version_(version) {}
    std::int32_t i32();
    // Version 1: length, then (if > 0) an XDR byte array. Later versions: length (-1 for NULL), bytes.
    // NULL reads as std::nullopt.
    std::optional<std::string> str();
    std::string text() { return str().value_or(""); }
    // A list's element count, refused when the rest of the input cannot hold that many elements.
    std::uint32_t count();
    // An XDR pointer's flag: true when an object follows (the classic writer writes 0 for "present").
    bool present();
    bool at_end() const { return pos_ == data_.size(); }
    void set_version(int v) { version_ = v; }

private:
    std::string_view bytes(std::size_t n);
    std::string_view data_;
    std::size_t pos_ = 0;
    int version_;
};

class XdrWriter {
public:
    explicit XdrWriter(int version) : version_(version) {}
    void i32(std::int32_t v);
    void str(std::string_view s);
    void null_str();
    // Empty strings are written as NULL, as the classic writer does for unset fields.
    void str_or_null(std::string_view s) { s.empty() ? null_str() : str(s); }
    void present() { i32(0); }
    const std::string& data() const { return out_; }

private:
    void opaque(std::string_view s);
    std::string out_;
    int version_;
};

}  // namespace ttbus::types
