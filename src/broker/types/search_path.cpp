#include "search_path.h"

#include "user_dirs.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace ttbus::types {

namespace {

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
}

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(':', start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start) out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::vector<std::string> classic_entries(const Environment& env) {
    std::vector<std::string> out;
    if (env.ttpath) {
        for (auto& element : split(*env.ttpath)) {
            std::error_code ec;
            out.push_back(std::filesystem::is_directory(element, ec) ? element + "/types.xdr" : element);
        }
        return out;
    }
    if (env.home) out.push_back(*env.home + "/.tt/types.xdr");
    out.emplace_back("/etc/tt/types.xdr");
    out.emplace_back("/usr/dt/appconfig/tttypes/types.xdr");
    out.push_back(env.openwinhome.value_or("/usr/openwin") + "/etc/tt/types.xdr");
    return out;
}

// The XDG base directory specification ignores relative paths.
bool absolute(const std::string& p) { return !p.empty() && p[0] == '/'; }

std::optional<std::string> xdg_data_home(const Environment& env) {
    if (env.xdg_data_home && absolute(*env.xdg_data_home)) return *env.xdg_data_home;
    if (env.home) return *env.home + "/.local/share";
    return std::nullopt;
}

}  // namespace

Environment Environment::from_process() {
    return Environment{env("TTPATH"), home_directory(), env("OPENWINHOME"), env("XDG_DATA_HOME"), env("XDG_DATA_DIRS"),
                       TTBUS_TYPES_DIR};
}

std::vector<PathEntry> search_path(const Environment& env) {
    std::vector<PathEntry> out;
    for (auto& p : classic_entries(env)) out.push_back({p, EntryKind::Database});
    std::vector<std::string> dirs;
    if (auto home = xdg_data_home(env)) dirs.push_back(*home + "/ttbus/types");
    std::string data_dirs = env.xdg_data_dirs && !env.xdg_data_dirs->empty() ? *env.xdg_data_dirs
                                                                             : "/usr/local/share:/usr/share";
    for (auto& d : split(data_dirs)) {
        if (absolute(d)) dirs.push_back(d + "/ttbus/types");
    }
    if (!env.installed_types_dir.empty()) dirs.push_back(env.installed_types_dir);
    for (auto& d : dirs) {
        PathEntry e{d, EntryKind::Directory};
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    }
    return out;
}

std::optional<Level> level_from_word(std::string_view w) {
    if (w == "user") return Level::User;
    if (w == "system") return Level::System;
    if (w == "network") return Level::Network;
    if (w == "xdg") return Level::Xdg;
    return std::nullopt;
}

std::optional<std::string> level_path(const Environment& env, Level level) {
    if (level == Level::Xdg) {
        auto home = xdg_data_home(env);
        if (!home) return std::nullopt;
        return *home + "/ttbus/types/types.json";
    }
    if (!env.ttpath && !env.home && level != Level::Network) return std::nullopt;  // no user entry to count from
    auto entries = classic_entries(env);
    if (entries.empty()) return std::nullopt;
    switch (level) {
        case Level::User: return entries.front();
        case Level::System:
            if (entries.size() < 2) return std::nullopt;
            return entries[1];
        default: return entries.back();
    }
}

}  // namespace ttbus::types
