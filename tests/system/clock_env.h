// Small helpers shared by the system test and the handler it starts: both ends of a start
// latency read the same clock.
#pragma once

#include <cstdlib>
#include <string>
#include <time.h>

namespace ttbus::test {

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// CLOCK_REALTIME: the two processes have no other clock in common that survives a fork+exec by systemd.
inline long long now_usec() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace ttbus::test
