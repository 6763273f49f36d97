// The command-line syntax of a message argument: MODE:VTYPE[:VALUE].
//   MODE   in | out | inout
//   VTYPE  the ToolTalk vtype (any name without ':')
//   VALUE  absent: unset; "int:N", "string:TEXT" or "bytes:HEX" say the kind; otherwise the kind
//          follows the vtype: int -> integer, bytes -> hex, anything else -> string.
// So in:int:42, in:string:hello, in:bytes:00ff, out:string and in:title:int:7 all work, and a
// string that starts like a kind is written with an explicit "string:" (in:title:string:int:7).
#pragma once

#include "dbus_values.h"

#include <stdexcept>
#include <string_view>

namespace ttbus::tools {

struct ArgSyntaxError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// Throws ArgSyntaxError with a message that names the mistake.
WireArg parse_arg(std::string_view text);

}  // namespace ttbus::tools
