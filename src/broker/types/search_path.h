// Where type databases live: the classic search path (facts §3.7) followed by ttbus's XDG directories.
// Everything is computed from an explicit Environment, so tests can pass their own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::types {

struct Environment {
    std::optional<std::string> ttpath;
    std::optional<std::string> home;
    std::optional<std::string> openwinhome;
    std::optional<std::string> xdg_data_home;
    std::optional<std::string> xdg_data_dirs;
    std::string installed_types_dir;  // share/ttbus/types of this build's prefix

    // The process environment, and this build's installed type directory.
    static Environment from_process();
};

enum class EntryKind {
    Database,   // one file: a classic types.xdr (or a .json/.types file named in TTPATH)
    Directory,  // every *.json, *.types and *.xdr file in it, in name order, earlier names winning
};

struct PathEntry {
    std::string path;
    EntryKind kind;
    bool operator==(const PathEntry&) const = default;
};

// Leftmost wins per ptype/otype id: TTPATH's elements (a directory element means <dir>/types.xdr) or,
// without TTPATH, ~/.tt/types.xdr, /etc/tt/types.xdr, /usr/dt/appconfig/tttypes/types.xdr and
// $OPENWINHOME/etc/tt/types.xdr; then $XDG_DATA_HOME/ttbus/types, each $XDG_DATA_DIRS/ttbus/types,
// and the installed types directory.
std::vector<PathEntry> search_path(const Environment& env);

// tt_type_comp -d: user, system and network are the first, second and last classic entries; "xdg"
// (a ttbus addition) is types.json in $XDG_DATA_HOME/ttbus/types, the database for ttbus-only fields.
enum class Level { User, System, Network, Xdg };
std::optional<Level> level_from_word(std::string_view w);
std::optional<std::string> level_path(const Environment& env, Level level);

}  // namespace ttbus::types
