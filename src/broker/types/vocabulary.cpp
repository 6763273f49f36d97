#include "vocabulary.h"

#include <algorithm>
#include <array>

namespace ttbus::types {

namespace {

constexpr std::array<std::string_view, 23> reserved{
    "otype", "inherit", "from", "ptype", "per_file", "per_session", "start", "observe",
    "handle", "handle_push", "handle_rotate", "file", "session", "file_in_session", "request",
    "notification", "void", "in", "out", "inout", "queue", "opnum", "context"};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_reserved_word(std::string_view word) {
    return std::find(reserved.begin(), reserved.end(), word) != reserved.end();
}

bool is_name(std::string_view word) {
    if (word.empty() || !is_letter(word[0])) return false;
    for (char c : word) {
        if (!is_letter(c) && !is_digit(c) && c != '_' && c != '-') return false;
    }
    return !is_reserved_word(word);
}

std::string_view scope_word(core::Scope s) {
    switch (s) {
        case core::Scope::SESSION: return "session";
        case core::Scope::FILE: return "file";
        case core::Scope::FILE_IN_SESSION: return "file_in_session";
        default: return "";
    }
}

std::optional<core::Scope> scope_from_word(std::string_view w) {
    if (w == "session") return core::Scope::SESSION;
    if (w == "file") return core::Scope::FILE;
    if (w == "file_in_session") return core::Scope::FILE_IN_SESSION;
    return std::nullopt;
}

std::string_view category_word(core::Category c) {
    switch (c) {
        case core::Category::OBSERVE: return "observe";
        case core::Category::HANDLE_PUSH: return "handle_push";
        case core::Category::HANDLE_ROTATE: return "handle_rotate";
        default: return "handle";
    }
}

std::optional<core::Category> category_from_word(std::string_view w) {
    if (w == "observe") return core::Category::OBSERVE;
    if (w == "handle") return core::Category::HANDLE;
    if (w == "handle_push") return core::Category::HANDLE_PUSH;
    if (w == "handle_rotate") return core::Category::HANDLE_ROTATE;
    return std::nullopt;
}

std::string_view mode_word(core::Mode m) {
    switch (m) {
        case core::Mode::OUT: return "out";
        case core::Mode::INOUT: return "inout";
        default: return "in";
    }
}

std::optional<core::Mode> mode_from_word(std::string_view w) {
    if (w == "in") return core::Mode::IN;
    if (w == "out") return core::Mode::OUT;
    if (w == "inout") return core::Mode::INOUT;
    return std::nullopt;
}

}  // namespace ttbus::types
