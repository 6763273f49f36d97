#include "preprocessor.h"

#include "file_contents.h"
#include "text.h"

#include <cerrno>
#include <cstring>
#include <iterator>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ttbus::types {

Preprocessed preprocess(const std::string& path, const CppOptions& options) {
    Preprocessed out;
    std::vector<std::string> argv_s{options.program};
    argv_s.insert(argv_s.end(), options.args.begin(), options.args.end());
    argv_s.push_back(path);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    int pipefd[2];
    if (pipe(pipefd) != 0) {
        out.error = text::format(N_("cannot create a pipe: %s"), std::strerror(errno));
        return out;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipefd[0]);
    posix_spawn_file_actions_addclose(&actions, pipefd[1]);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, options.program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        // Classic behaviour: without cpp, warn and parse the raw file.
        out.cpp_missing = true;
        auto raw = file_contents(path);
        if (raw) {
            out.text = std::move(*raw);
        } else {
            out.error = text::format(N_("cannot read %s"), path);
        }
        return out;
    }
    char buf[65536];
    for (;;) {
        ssize_t n = read(pipefd[0], buf, sizeof buf);
        if (n > 0) {
            out.text.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // TRANSLATORS: "<the C preprocessor> failed on <file>".
        out.error = text::format(N_("%s failed on %s"), options.program, path);
    }
    return out;
}

}  // namespace ttbus::types
