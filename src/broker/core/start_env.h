// The environment a started ptype instance gets: who it is (TT_TOKEN), where it belongs
// (TT_SESSION), what file the message is about (TT_FILE), and the message's `$` contexts.
#pragma once

#include "wire_types.h"

#include <string>
#include <utility>
#include <vector>

namespace ttbus::core {

using Environment = std::vector<std::pair<std::string, std::string>>;

// Context slots named `$NAME` become NAME=value (ints in decimal). Values reach the started
// command only through its environment. Names that are not valid shell names, names ToolTalk
// sets itself (TT_*, _SUN_TT_*, _TT_*) and loader variables (LD_*) are skipped, as are values
// holding NUL bytes.
Environment start_environment(const MessageBody& body, const std::string& session, const std::string& token);

bool context_env_allowed(const std::string& name);

}  // namespace ttbus::core
