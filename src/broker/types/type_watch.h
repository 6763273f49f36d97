// Notices changes of the type database: every directory of the search path, and the directory of
// every database file on it, watched with inotify — also when it does not exist yet. A missing
// directory is watched through its nearest existing ancestor, and the watches move down (or back
// up) as directories on the way appear (or go). Nothing runs between events.
#pragma once

#include "search_path.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ttbus::types {

class TypeWatch {
public:
    // `path` gives the search path; it is asked again whenever a directory on the way appears or
    // goes (a TTPATH element names a database or, once it is a directory, the types.xdr in it).
    explicit TypeWatch(std::function<std::vector<PathEntry>()> path);
    ~TypeWatch();
    TypeWatch(const TypeWatch&) = delete;
    TypeWatch& operator=(const TypeWatch&) = delete;

    // Readable when changes wait; -1 when inotify is not available.
    int fd() const { return fd_; }
    // Reads the waiting changes. True when the types may differ: a type file (*.types, *.json,
    // *.xdr, or a database file the path names) in a directory of the path was written, moved or
    // removed, or a directory of the path appeared or went.
    bool changed();

private:
    struct Watch {
        std::string directory;
        bool on_path = false;  // a directory of the path itself, not only an ancestor of one
    };
    // Re-computes the watches; true when the path or the set of its existing directories changed.
    bool arm();
    bool type_file(const Watch& w, const std::string& name) const;

    std::function<std::vector<PathEntry>()> path_;
    int fd_ = -1;
    std::map<int, Watch> watches_;
    std::vector<PathEntry> entries_;
    std::set<std::string> databases_;  // the database files the path names
    std::set<std::string> present_;    // the directories of the path that exist
};

}  // namespace ttbus::types
