// ttsession: the classic command line (facts §4.1) against ttbusd. The broker serves every
// session, so ttsession no longer is a server: -c asks the broker for a session that lives as
// long as this process's bus connection and runs the command in it; -p prints the session the
// broker serves by default; with neither, the default session is always "already served" (2).
// Exit status: the command's with -c (128 + n when it died of signal n), 0 for -p/-v/-h,
// 1 errors and usage, 2 already served.
#include "broker_error.h"
#include "broker_proxies.h"
#include "command_line.h"
#include "session_bus.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

using namespace ttbus::tools;
using namespace ttbus::client;
namespace cli = ttbus::cli;
using cli::format;

constexpr int exit_error = 1;
constexpr int exit_already_served = 2;
// After forwarding SIGTERM, the command has this long to exit before SIGKILL (as classic -c).
constexpr std::chrono::seconds term_grace{10};

std::string usage_text() {
    return _("Usage: ttsession [-s] [-a level] [-d display] [-A n] [-tNSX] [-p | -c [command [args...]]]\n"
             "       ttsession -v | -h\n"
             "  -c cmd   run cmd (default $SHELL) in a new session with TT_SESSION set; must be last;\n"
             "           exits with cmd's status\n"
             "  -p       print the id of the session ttbusd serves by default\n"
             "  -s       silent: no warnings\n"
             "  -v, --version  version;  -h, --help  this help\n"
             "  without -c or -p: exit 2, because ttbusd already serves the default session\n"
             "  accepted for compatibility, without effect: -a level, -d display (sets DISPLAY for -c),\n"
             "  -A n, -t, -N, -S, -X;  -E (Classing Engine types) is an error\n");
}

struct Options {
    char action = 0;  // 'c', 'p', 'v', 'h', or 0: check whether a session is served
    bool silent = false;
    bool trace = false;
    std::optional<std::string> display;
    std::vector<std::string> command;
};

void check_auth_level(const std::string& level) {
    for (std::string_view known : {"cookie", "unix", "des", "none"}) {
        if (level == known) return;
    }
    cli::usage_error(format(_("unknown authentication level '%s' (cookie, unix, des or none)"), level));
}

void check_count(const std::string& n) {
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) {
        cli::usage_error(format(_("-A needs a number, not '%s'"), n));
    }
}

// The classic getopt string "A:pa:htvcd:sSXEN"; '+' stops at the first operand, as classic did.
Options parse_command_line(int argc, char** argv) {
    static const option long_options[] = {
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'v'},
        {nullptr, 0, nullptr, 0},
    };
    Options o;
    auto set_action = [&](char a) {
        if (o.action != 0 && o.action != a) cli::usage_error(_("options -c, -p, -v and -h exclude each other"));
        o.action = a;
    };
    for (;;) {
        int word = optind;
        int c = cli::next_option(argc, argv, "+A:pa:htvcd:sSXEN", long_options);
        if (c == -1) break;
        switch (c) {
        case 'c':
            // getopt moves on to the next word only after the last letter of this one.
            if (optind == word) cli::usage_error(_("-c must be the last option"));
            set_action('c');
            o.command.assign(argv + optind, argv + argc);
            return o;
        case 'p':
        case 'v':
        case 'h': set_action(static_cast<char>(c)); break;
        case 's': o.silent = true; break;
        case 't': o.trace = true; break;
        case 'a': check_auth_level(optarg); break;
        case 'd': o.display = optarg; break;
        case 'A': check_count(optarg); break;
        case 'E': cli::usage_error(_("-E: ttbus reads no Classing Engine types; ttbusd loads types itself"));
        default: break;  // -N, -S, -X: nothing to do here
        }
    }
    if (optind < argc) cli::usage_error(format(_("unexpected argument '%s'"), argv[optind]));
    return o;
}

int exit_status_of(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return exit_error;
}

// Signals ttsession passes on to the command, plus SIGCHLD to learn that it ended.
sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD}) sigaddset(&set, s);
    return set;
}

[[noreturn]] void fail(const std::string& what) {
    cli::error(what);
    std::exit(exit_error);
}

pid_t spawn(const std::vector<std::string>& command) {
    std::vector<char*> argv;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);  // the command starts with no signal blocked
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], nullptr, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) fail(format(_("cannot run %s: %s"), command[0], std::strerror(rc)));
    return pid;
}

// Waits for the command and returns ttsession's exit status. A signal sent to ttsession by a
// process is passed on; one from the terminal already reached the command, which shares our
// process group, and is not sent twice.
int wait_for(pid_t child, int signal_fd) {
    // Set once SIGTERM has been passed on: when the command is still there then, it is killed.
    std::optional<std::chrono::steady_clock::time_point> kill_at;
    for (;;) {
        int timeout_ms = -1;
        if (kill_at) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*kill_at - std::chrono::steady_clock::now());
            timeout_ms = static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
        }
        pollfd pfd{signal_fd, POLLIN, 0};
        int ready = poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno != EINTR) fail(std::string("poll: ") + std::strerror(errno));
        if (ready == 0) {
            kill(child, SIGKILL);
            kill_at.reset();
            continue;
        }
        signalfd_siginfo info{};
        if (read(signal_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGCHLD) {
            int status = 0;
            if (waitpid(child, &status, WNOHANG) == child) return exit_status_of(status);
            continue;
        }
        if (info.ssi_code == SI_KERNEL) continue;
        kill(child, sig);
        if (sig == SIGTERM && !kill_at) kill_at = std::chrono::steady_clock::now() + term_grace;
    }
}

int run_in_new_session(BrokerProxy& broker, Options& o) {
    std::string session = broker.CreateSession();
    setenv("TT_SESSION", session.c_str(), 1);
    setenv("_SUN_TT_SESSION", session.c_str(), 1);
    if (o.display) setenv("DISPLAY", o.display->c_str(), 0);
    if (o.command.empty()) {
        const char* shell = std::getenv("SHELL");
        o.command.emplace_back(shell && *shell ? shell : "/bin/sh");
    }
    sigset_t set = watched_signals();
    sigprocmask(SIG_BLOCK, &set, nullptr);
    int signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
    if (signal_fd < 0) fail(std::string("signalfd: ") + std::strerror(errno));
    pid_t child = spawn(o.command);
    // The bus connection stays open until we exit: closing it ends the session.
    return wait_for(child, signal_fd);
}

int run(Options& o) {
    auto connection = open_session_bus();
    BrokerProxy broker(*connection);
    if (o.trace && !o.silent) cli::error(_("-t has no effect; watch messages with 'ttbusctl monitor'"));
    switch (o.action) {
    case 'c':
        return run_in_new_session(broker, o);
    case 'p':
        std::cout << broker.DefaultSession() << '\n';
        return 0;
    default: {
        std::string session = broker.DefaultSession();
        if (!o.silent) cli::error(format(_("ttbusd already serves the session %s"), session));
        return exit_already_served;
    }
    }
}

}  // namespace

int main(int argc, char** argv) {
    cli::start("ttsession", argv, exit_error);
    Options o = parse_command_line(argc, argv);
    if (o.action == 'v') return cli::print_version();
    if (o.action == 'h') return cli::print_help(usage_text());
    try {
        return run(o);
    } catch (const sdbus::Error& e) {
        cli::error(describe(e).text);
        return exit_error;
    }
}
