// The engine's values are the protocol's (src/protocol): the ToolTalk enums, values, messages and
// patterns are defined once, where the wire is defined, and the engine speaks that vocabulary.
#pragma once

#include "protocol/enums.h"
#include "protocol/message.h"
#include "protocol/pattern.h"
#include "protocol/send_form.h"
#include "protocol/value.h"

namespace ttbus::core {
using namespace ttbus::protocol;
}  // namespace ttbus::core
