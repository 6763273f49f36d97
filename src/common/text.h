// Translated texts of the "ttbus" text domain, for the libraries inside ttbus programs (the types
// library in ttbusd and tt_type_comp). A library never changes the program's own text domain: it
// asks its domain by name (dgettext). Texts are marked for xgettext with N_ and looked up where
// they are used; "%s" in a text stands for a value, so that translators see whole sentences.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#define N_(text) text

namespace ttbus::text {

inline constexpr const char* domain = "ttbus";

// The translation of `msgid` in the program's locale (LC_MESSAGES), or msgid itself.
const char* translate(const char* msgid);

// `pattern` with each "%s" replaced by the next of `values`.
std::string fill(std::string_view pattern, std::initializer_list<std::string_view> values);

// The translation of `msgid` with its "%s" filled in.
template <typename... Values>
std::string format(const char* msgid, const Values&... values) {
    return fill(translate(msgid), {std::string_view(values)...});
}

}  // namespace ttbus::text
