// The POSIX part of the Desktop message set, which the toolkit answers for every application
// that joins a session: locale, environment, working directory, signals and uname.
#include "toolkit.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace tttk;

namespace {

// The desktop codes are 1100 + the errno value that 1–34 share on every Unix.
Tt_status desktop_errno(int e) {
    return e > 0 && e <= 34 ? static_cast<Tt_status>(TT_DESKTOP_ + e) : TT_DESKTOP_EIO;
}

int locale_category(const std::string& name) {
    static const struct {
        const char* name;
        int category;
    } categories[] = {{"LC_ALL", LC_ALL},         {"LC_COLLATE", LC_COLLATE}, {"LC_CTYPE", LC_CTYPE},
                      {"LC_MESSAGES", LC_MESSAGES}, {"LC_MONETARY", LC_MONETARY}, {"LC_NUMERIC", LC_NUMERIC},
                      {"LC_TIME", LC_TIME}};
    for (const auto& c : categories) {
        if (name == c.name) return c.category;
    }
    return -1;
}

// "SIGUSR1", "USR1" or a number.
int signal_number(const std::string& name) {
    char* end = nullptr;
    long n = std::strtol(name.c_str(), &end, 10);
    if (!name.empty() && *end == '\0') return n > 0 && n < NSIG ? static_cast<int>(n) : -1;
    std::string bare = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = sigabbrev_np(sig);
        if (abbrev != nullptr && bare == abbrev) return sig;
    }
    return -1;
}

Tt_status get_locale(Tt_message m) {
    int cat = locale_category(arg_string(m, 0));
    if (cat < 0) return TT_DESKTOP_EINVAL;
    return tt_message_arg_val_set(m, 1, std::setlocale(cat, nullptr));
}

Tt_status set_locale(Tt_message m) {
    int cat = locale_category(arg_string(m, 0));
    if (cat < 0) return TT_DESKTOP_EINVAL;
    return std::setlocale(cat, arg_string(m, 1).c_str()) != nullptr ? TT_OK : TT_DESKTOP_EINVAL;
}

Tt_status get_environment(Tt_message m) {
    return tt_message_arg_val_set(m, 1, std::getenv(arg_string(m, 0).c_str()));
}

// An unset value unsets the variable.
Tt_status set_environment(Tt_message m) {
    std::string name = arg_string(m, 0);
    char* value = tt_message_arg_val(m, 1);
    int rc = value != nullptr && tt_ptr_error(value) == TT_OK ? setenv(name.c_str(), value, 1) : unsetenv(name.c_str());
    return rc == 0 ? TT_OK : desktop_errno(errno);
}

Tt_status get_situation(Tt_message m) {
    char* cwd = getcwd(nullptr, 0);
    if (cwd == nullptr) return desktop_errno(errno);
    Tt_status s = tt_message_arg_val_set(m, 0, cwd);
    std::free(cwd);
    return s;
}

Tt_status set_situation(Tt_message m) {
    return chdir(arg_string(m, 0).c_str()) == 0 ? TT_OK : desktop_errno(errno);
}

Tt_status get_sysinfo(Tt_message m) {
    utsname u{};
    if (uname(&u) != 0) return desktop_errno(errno);
    const char* fields[] = {u.sysname, u.nodename, u.release, u.version, u.machine};
    Tt_status s = TT_OK;
    for (int i = 0; i < 5 && s == TT_OK; ++i) s = tt_message_arg_val_set(m, i, fields[i]);
    return s;
}

}  // namespace

namespace tttk {

Tt_callback_action answer_posix(Tt_message m, Tt_pattern) {
    Scratch scratch;
    Tttk_op op = tttk_string_op(tt_message_op(m));
    Tt_status s = TT_DESKTOP_ENOTSUP;
    switch (op) {
    case TTDT_GET_LOCALE: s = get_locale(m); break;
    case TTDT_SET_LOCALE: s = set_locale(m); break;
    case TTDT_GET_ENVIRONMENT: s = get_environment(m); break;
    case TTDT_SET_ENVIRONMENT: s = set_environment(m); break;
    case TTDT_GET_SITUATION: s = get_situation(m); break;
    case TTDT_SET_SITUATION: s = set_situation(m); break;
    case TTDT_GET_SYSINFO: s = get_sysinfo(m); break;
    case TTDT_SIGNAL: {
        // Answered first: the signal may end this process.
        int sig = signal_number(arg_string(m, 0));
        if (sig < 0) break;
        tt_message_reply(m);
        tttk_message_destroy(m);
        raise(sig);
        return TT_CALLBACK_PROCESSED;
    }
    default: break;
    }
    if (s != TT_OK) {
        if (op == TTDT_SIGNAL) s = TT_DESKTOP_EINVAL;
        tttk_message_fail(m, s, nullptr, 1);
        return TT_CALLBACK_PROCESSED;
    }
    tt_message_reply(m);
    tttk_message_destroy(m);
    return TT_CALLBACK_PROCESSED;
}

}  // namespace tttk
