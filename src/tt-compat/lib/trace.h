// tt_trace_control and what it shows: when on, every message sent and received is printed to
// stderr in tt_message_print's form. $TT_TRACE_SCRIPT (classic tttrace) switches it on at start.
#pragma once

#include "model.h"

#include <string>

namespace ttc {

bool tracing();
void trace_message(const char* what, const protocol::Message& m);
// The text of tt_message_print / tt_pattern_print.
std::string describe(const protocol::Message& m);
std::string describe(const protocol::Pattern& p);

}  // namespace ttc
