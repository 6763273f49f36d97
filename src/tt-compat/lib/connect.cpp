#include "connect.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace ttc {

namespace {

// A broker that is not serving this long after its start is taken for failed.
constexpr int start_timeout_ms = 10000;

std::optional<std::string> broker_directory() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime == nullptr || runtime[0] != '/') return std::nullopt;
    return std::string(runtime) + "/ttbus";
}

int connect_to(const std::string& path) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof sa.sun_path) return -1;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    while (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

// The start command as classic ran it (TTSESSION_CMD through the shell), else the broker itself.
std::vector<std::string> start_command() {
    for (const char* name : {"TTSESSION_CMD", "SUN_TTSESSION_CMD"}) {
        const char* cmd = std::getenv(name);
        if (cmd != nullptr && *cmd != '\0') return {"/bin/sh", "-c", cmd};
    }
    return {TTBUS_BROKER_PATH};
}

// The broker's environment: ours, with NOTIFY_SOCKET naming where it says READY=1.
std::vector<std::string> start_environment(const std::string& notify) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "NOTIFY_SOCKET=", 14) != 0 && std::strncmp(*e, "LISTEN_", 7) != 0) env.emplace_back(*e);
    }
    env.push_back("NOTIFY_SOCKET=" + notify);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

long now_ms() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

// In the grandchild, before exec: a clean slate of signals (a program may ignore or block
// SIGTERM; the broker relies on both), no terminal, and none of the program's descriptors (a
// pipe the broker kept open would never see its end).
[[noreturn]] void exec_broker(char* const argv[], char* const envp[]) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s) sigaction(s, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
    }
    close_range(3, ~0U, 0);
    execve(argv[0], argv, envp);
    _exit(127);
}

// In the intermediate child: waits for READY=1 on `notify` or the broker's end, whichever comes
// first. No allocation and no locks: the program may have threads, and this is a copy of it.
[[noreturn]] void await_broker(int notify, pid_t broker) {
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, broker, 0));
    const long deadline = now_ms() + start_timeout_ms;
    for (long left; (left = deadline - now_ms()) > 0;) {
        pollfd fds[2] = {{notify, POLLIN, 0}, {pidfd, POLLIN, 0}};
        int n = poll(fds, pidfd >= 0 ? 2 : 1, static_cast<int>(left));
        if (n < 0 && errno != EINTR) break;
        if (n <= 0) continue;
        if (fds[1].revents != 0) {  // the broker ended before it served
            waitpid(broker, nullptr, WNOHANG);
            _exit(1);
        }
        char buf[512];
        ssize_t len = recv(notify, buf, sizeof buf - 1, 0);
        if (len <= 0) continue;
        buf[len] = '\0';
        for (char* line = buf; line != nullptr;) {
            if (std::strncmp(line, "READY=1", 7) == 0 && (line[7] == '\n' || line[7] == '\0')) _exit(0);
            line = std::strchr(line, '\n');
            if (line != nullptr) ++line;
        }
    }
    _exit(2);
}

// Runs the start command as a grandchild in a session of its own (so it outlives the program and
// is never the program's child to reap), and returns once it serves, failed or timed out.
void spawn_broker() {
    int notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (notify < 0) return;
    // An abstract address the kernel picks.
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    socklen_t len = sizeof(sa_family_t);
    if (bind(notify, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
        (len = sizeof sa, getsockname(notify, reinterpret_cast<sockaddr*>(&sa), &len)) != 0 ||
        len <= sizeof(sa_family_t) + 1) {
        close(notify);
        return;
    }
    std::string name = "@" + std::string(sa.sun_path + 1, len - sizeof(sa_family_t) - 1);
    std::vector<std::string> argv_s = start_command();
    std::vector<std::string> env_s = start_environment(name);
    std::vector<char*> argv = pointers(argv_s);
    std::vector<char*> envp = pointers(env_s);

    pid_t child = fork();
    if (child == 0) {
        setsid();
        pid_t broker = fork();
        if (broker == 0) exec_broker(argv.data(), envp.data());
        if (broker < 0) _exit(1);
        await_broker(notify, broker);
    }
    close(notify);
    if (child < 0) return;
    // The program may reap children itself (SIGCHLD handler, SIG_IGN): then there is no status
    // to read, and the socket tells.
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

int connect_broker_socket() {
    auto dir = broker_directory();
    return dir ? connect_to(*dir + "/socket") : -1;
}

int start_broker() {
    auto dir = broker_directory();
    if (!dir) return -1;
    if (mkdir(dir->c_str(), 0700) != 0 && errno != EEXIST) return -1;
    const std::string socket_path = *dir + "/socket";
    int lock = open((*dir + "/start.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) return -1;
    while (flock(lock, LOCK_EX) != 0 && errno == EINTR) {
    }
    // Whoever held the lock before us may have started it.
    int fd = connect_to(socket_path);
    if (fd < 0) {
        spawn_broker();
        fd = connect_to(socket_path);
    }
    close(lock);
    return fd;
}

}  // namespace ttc
