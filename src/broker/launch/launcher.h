// Starting ptype instances. The broker hands every StartPtype effect to one launcher: systemd
// user units when a user manager is on the bus, fork/exec otherwise. Either way the end of a
// launch (it could not start, or its process exited) is reported through `Ended`.
#pragma once

#include "core/effect.h"

#include <functional>
#include <string>
#include <vector>

namespace ttbus::launch {

struct LaunchInfo {
    std::string token;
    std::string ptype;
    std::string unit;   // the systemd unit, "" for a forked process
    std::string state;  // "starting", "running", or systemd's ActiveState
    int pid = 0;
};

class Launcher {
public:
    using Ended = std::function<void(const LaunchInfo& launch, const std::string& reason)>;
    virtual ~Launcher() = default;
    virtual void start(const core::StartPtype& start) = 0;
    virtual std::vector<LaunchInfo> launches() const = 0;
    // Called on SIGCHLD; launchers whose processes are not the broker's children ignore it.
    virtual void reap() {}
    virtual const char* kind() const = 0;
};

}  // namespace ttbus::launch
