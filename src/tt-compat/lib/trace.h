// tt_trace_control and what it shows: when on, every message sent and received is printed to
// stderr in tt_message_print's form. $TT_TRACE_SCRIPT (classic tttrace) switches it on at start.
#pragma once

#include "model.h"

#include <string>

namespace ttc {

bool tracing();
void trace_message(const char* what, const WireMessage& m);
// The text of tt_message_print / tt_pattern_print.
std::string describe(const WireMessage& m);
std::string describe(const WirePattern& p);

}  // namespace ttc
