// The command-line convention of every ttbus program: options parsed by getopt_long (so
// "--opt=value", "--opt value" and combined short options work alike), --help and --version on
// standard output with exit 0, and a usage error as one line and "Try 'PROG --help'." on
// standard error. Messages go through gettext in the "ttbus" text domain.
#pragma once

#include <getopt.h>
#include <libintl.h>

#include <initializer_list>
#include <string>
#include <string_view>

#define _(text) gettext(text)

namespace ttbus::cli {

inline constexpr const char* text_domain = "ttbus";

// The directory of the message catalogues: $TTBUS_LOCALEDIR (the build tree's, for tests), else
// the installed one.
const char* locale_dir();

// What of the user's locale a program takes: all of it (a tool), or only the language of its
// messages (a daemon: it formats nothing by locale, and the rest of a UTF-8 locale costs it about
// 450 KiB of resident memory for as long as it runs).
enum class Locale { whole, messages };

// Call first in main. `program` names the program in every message (also getopt's, which print
// argv[0]); `usage_status` is the exit status of a usage error.
void start(const char* program, char** argv, int usage_status, Locale locale = Locale::whole);

const char* program();

// "PROG (ttbus) VERSION" on standard output; returns 0, the exit status.
int print_version();

// The help text on standard output; returns 0.
int print_help(const std::string& text);

// "PROG: MESSAGE" and the hint to --help on standard error, then exit with the usage status.
[[noreturn]] void usage_error(const std::string& message);

// getopt_long's next option, or -1 after the last. An unknown option or a missing value has
// already been reported by getopt in one line; this adds the hint to --help and exits.
int next_option(int argc, char** argv, const char* short_options, const option* long_options);

// A translated message with its "%s" replaced by `values`, in order.
std::string fill(std::string_view pattern, std::initializer_list<std::string_view> values);
template <typename... Values>
std::string format(const char* pattern, const Values&... values) {
    return fill(pattern, {std::string_view(values)...});
}

// "PROG: MESSAGE" on standard error (no exit).
void error(const std::string& message);

}  // namespace ttbus::cli
