// Opening the session bus, with an error that says what to do when there is none.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <memory>

namespace ttbus::tools {

// The session bus; without one, says why and how to get one, and exits 1.
std::unique_ptr<sdbus::IConnection> open_session_bus();

}  // namespace ttbus::tools
