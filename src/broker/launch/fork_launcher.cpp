#include "fork_launcher.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ttbus::launch {

pid_t ForkLauncher::start(const core::StartPtype& start,
                          const std::vector<std::pair<std::string, std::string>>& environment) {
    if (start.command.empty()) {
        errno = ENOEXEC;
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        // The child: own session, default signal state, nothing of the broker's but stdio.
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
        for (const auto& [name, value] : start.environment) setenv(name.c_str(), value.c_str(), 1);
        for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
        execl("/bin/sh", "sh", "-c", start.command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    running_.emplace(pid, start.token);
    return pid;
}

std::vector<std::string> ForkLauncher::reap() {
    std::vector<std::string> ended;
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) break;
        auto it = running_.find(pid);
        if (it == running_.end()) continue;
        ended.push_back(it->second);
        running_.erase(it);
    }
    return ended;
}

}  // namespace ttbus::launch
