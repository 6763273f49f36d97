// The user's home directory for per-user paths (state, types), when the environment may not say:
// a service started by systemd or D-Bus activation may run without HOME.
#pragma once

#include <optional>
#include <string>

namespace ttbus {

// $HOME when it is an absolute path, else the home of the real user in the user database
// (getpwuid); nullopt when neither has one.
std::optional<std::string> home_directory();

}  // namespace ttbus
