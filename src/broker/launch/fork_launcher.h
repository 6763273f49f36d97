// Starting a ptype's start string without systemd: fork, a session of its own, /bin/sh -c.
// Messages reach the command only through its environment.
#pragma once

#include "core/effect.h"

#include <sys/types.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ttbus::launch {

class ForkLauncher {
public:
    // Returns the child's pid, or -1 with errno set. `environment` is added to the broker's own.
    pid_t start(const core::StartPtype& start, const std::vector<std::pair<std::string, std::string>>& environment);
    // Collects exited children (call on SIGCHLD); returns the tokens of those that were launches.
    std::vector<std::string> reap();
    std::size_t running() const { return running_.size(); }

private:
    std::unordered_map<pid_t, std::string> running_;
};

}  // namespace ttbus::launch
