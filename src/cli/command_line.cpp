#include "command_line.h"

#include "text.h"

#include <clocale>
#include <cstdio>
#include <cstdlib>

namespace ttbus::cli {

namespace {

const char* program_name = "ttbus";
int usage_exit_status = 2;

[[noreturn]] void exit_with_hint() {
    // TRANSLATORS: %s is the program's name; the line follows a usage error.
    std::fprintf(stderr, _("Try '%s --help'.\n"), program_name);
    std::exit(usage_exit_status);
}

}  // namespace

const char* locale_dir() {
    const char* dir = std::getenv("TTBUS_LOCALEDIR");
    return dir && *dir ? dir : TTBUS_LOCALEDIR;
}

void start(const char* program, char** argv, int usage_status, Locale locale) {
    program_name = program;
    usage_exit_status = usage_status;
    argv[0] = const_cast<char*>(program);
    std::setlocale(locale == Locale::whole ? LC_ALL : LC_MESSAGES, "");
    bindtextdomain(text_domain, locale_dir());
    // Without the locale's character set, the catalogues' own (UTF-8) is what is written.
    if (locale == Locale::messages) bind_textdomain_codeset(text_domain, "UTF-8");
    textdomain(text_domain);
}

const char* program() { return program_name; }

int print_version() {
    std::printf("%s (ttbus) %s\n", program_name, TTBUS_VERSION);
    return 0;
}

int print_help(const std::string& text) {
    std::fputs(text.c_str(), stdout);
    return 0;
}

std::string fill(std::string_view pattern, std::initializer_list<std::string_view> values) {
    return text::fill(pattern, values);
}

void error(const std::string& message) { std::fprintf(stderr, "%s: %s\n", program_name, message.c_str()); }

void usage_error(const std::string& message) {
    error(message);
    exit_with_hint();
}

int next_option(int argc, char** argv, const char* short_options, const option* long_options) {
    int c = getopt_long(argc, argv, short_options, long_options, nullptr);
    if (c == '?' || c == ':') exit_with_hint();
    return c;
}

}  // namespace ttbus::cli
