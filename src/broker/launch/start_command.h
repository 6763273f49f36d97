// How a ptype's start string runs. Classic ToolTalk handed it to /bin/sh -c; a plain command line
// (an absolute program path and words, nothing the shell would interpret) runs straight from its
// words instead: one process and an exec fewer on every start, and the handler itself is the
// unit's main process. Anything else still goes through the shell, with the same meaning as before.
#pragma once

#include <string>
#include <vector>

namespace ttbus::launch {

// The argv to exec: the words of a plain command line, else {"/bin/sh", "-c", start_string}.
std::vector<std::string> start_argv(const std::string& start_string);

}  // namespace ttbus::launch
