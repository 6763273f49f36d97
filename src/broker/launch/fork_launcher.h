// Starting a ptype's start string without systemd: fork, a session of its own, exec (start_command.h).
// Messages reach the command only through its environment.
#pragma once

#include "launcher.h"

#include <sys/types.h>

#include <map>

namespace ttbus::launch {

class ForkLauncher final : public Launcher {
public:
    explicit ForkLauncher(Ended ended) : ended_(std::move(ended)) {}
    void start(const core::StartPtype& start) override;
    std::vector<LaunchInfo> launches() const override;
    void reap() override;
    const char* kind() const override { return "fork"; }

private:
    Ended ended_;
    std::map<pid_t, LaunchInfo> running_;
};

}  // namespace ttbus::launch
