#include "start_command.h"

#include <string_view>

namespace ttbus::launch {

namespace {

// Characters the shell (or systemd's own ExecStart expansion: $, %) would give a meaning to.
constexpr std::string_view special = "|&;<>()$`\\\"'*?[]#~%{}!\n";

bool plain(const std::string& s) {
    return s.find_first_of(special) == std::string::npos;
}

}  // namespace

std::vector<std::string> start_argv(const std::string& start_string) {
    std::vector<std::string> words;
    if (plain(start_string)) {
        std::string_view rest = start_string;
        while (!rest.empty()) {
            std::size_t begin = rest.find_first_not_of(" \t");
            if (begin == std::string_view::npos) break;
            rest.remove_prefix(begin);
            std::size_t end = rest.find_first_of(" \t");
            words.emplace_back(rest.substr(0, end));
            rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
        }
    }
    // A bare program name would need the started environment's PATH: the shell looks it up.
    if (words.empty() || words.front().front() != '/') return {"/bin/sh", "-c", start_string};
    return words;
}

}  // namespace ttbus::launch
