#include "fork_launcher.h"

#include "start_command.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ttbus::launch {

void ForkLauncher::start(const core::StartPtype& start) {
    if (start.command.empty()) {
        ended_(LaunchInfo{start.token, start.ptype, start.unit, "failed", 0},
               start.unit.empty() ? "the ptype has no start string"
                                  : "the ptype names a systemd unit, and no user manager runs");
        return;
    }
    std::vector<std::string> words = start_argv(start.command);
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        ended_(LaunchInfo{start.token, start.ptype, "", "failed", 0}, std::string("fork: ") + std::strerror(errno));
        return;
    }
    if (pid == 0) {
        // The child: own session, default signal state, nothing of the broker's but stdout/stderr.
        setsid();
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGCHLD, SIGPIPE, SIGUSR2, SIGTERM, SIGINT, SIGHUP}) signal(sig, SIG_DFL);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            dup2(devnull, 0);
            if (devnull > 2) close(devnull);
        }
        close_range(3, ~0U, 0);
        // Only the broker says where its peer socket is (the environment below, when it has one).
        unsetenv("TTBUS_PEER_ADDRESS");
        for (const auto& [name, value] : start.environment) setenv(name.c_str(), value.c_str(), 1);
        execv(argv[0], argv.data());
        _exit(127);
    }
    running_.emplace(pid, LaunchInfo{start.token, start.ptype, "", "running", static_cast<int>(pid)});
}

std::vector<LaunchInfo> ForkLauncher::launches() const {
    std::vector<LaunchInfo> out;
    for (const auto& [pid, info] : running_) out.push_back(info);
    return out;
}

void ForkLauncher::reap() {
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) break;
        auto it = running_.find(pid);
        if (it == running_.end()) continue;
        LaunchInfo info = std::move(it->second);
        running_.erase(it);
        std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                            : "killed by signal " + std::to_string(WTERMSIG(status));
        // 127 is the child's (or its shell's) word for a start string it could not run.
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) how += " (the command was not found or not executable)";
        ended_(info, "process " + std::to_string(pid) + " " + how);
    }
}

}  // namespace ttbus::launch
