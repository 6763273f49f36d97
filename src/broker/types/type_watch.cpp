#include "type_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

namespace ttbus::types {

namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF |
                               IN_MOVE_SELF | IN_ONLYDIR;

bool directory_exists(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool ends_with(const std::string& s, const char* suffix) {
    const std::size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

TypeWatch::TypeWatch(std::function<std::vector<PathEntry>()> path) : path_(std::move(path)) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0) arm();
}

TypeWatch::~TypeWatch() {
    if (fd_ >= 0) close(fd_);
}

bool TypeWatch::arm() {
    std::vector<PathEntry> entries = path_();
    std::set<std::string> wanted;
    std::set<std::string> databases;
    for (const auto& e : entries) {
        fs::path p = fs::path(e.path).lexically_normal();
        if (e.kind == EntryKind::Database) {
            databases.insert(p.string());
            p = p.parent_path();
        }
        wanted.insert(p.string());
    }
    std::map<int, Watch> watches;
    std::set<std::string> present;
    for (const auto& w : wanted) {
        fs::path dir(w);
        // A relative path (TTPATH=.) is watched where it is now; a missing one through the
        // nearest ancestor that exists, which tells when the next directory down appears.
        while (!directory_exists(dir) && dir.has_relative_path() && dir != dir.parent_path()) dir = dir.parent_path();
        if (dir.empty()) dir = ".";
        int wd = inotify_add_watch(fd_, dir.c_str(), mask);
        if (wd < 0) continue;
        Watch& watch = watches[wd];
        watch.directory = dir.string();
        if (dir.string() == w) {
            watch.on_path = true;
            present.insert(w);
        }
    }
    for (const auto& [wd, w] : watches_) {
        if (watches.count(wd) == 0) inotify_rm_watch(fd_, wd);
    }
    bool differs = entries != entries_ || present != present_;
    watches_ = std::move(watches);
    entries_ = std::move(entries);
    databases_ = std::move(databases);
    present_ = std::move(present);
    return differs;
}

bool TypeWatch::type_file(const Watch& w, const std::string& name) const {
    if (!w.on_path) return false;
    for (const char* ext : {".types", ".json", ".xdr"}) {
        if (ends_with(name, ext)) return true;
    }
    return databases_.count((fs::path(w.directory) / name).lexically_normal().string()) > 0;
}

bool TypeWatch::changed() {
    if (fd_ < 0) return false;
    bool relevant = false;
    bool rearm = false;
    alignas(inotify_event) char buf[4096];
    for (ssize_t n; (n = read(fd_, buf, sizeof buf)) > 0;) {
        for (char* p = buf; p < buf + n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(p);
            p += sizeof(inotify_event) + e->len;
            if (e->mask & IN_Q_OVERFLOW) {
                relevant = rearm = true;  // changes were lost: read everything again
                continue;
            }
            auto it = watches_.find(e->wd);
            if (it == watches_.end()) continue;
            // A directory came or went on the way to (or on) the path, or a watched one itself did.
            if (e->mask & (IN_ISDIR | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                rearm = true;
            } else if (e->len > 0 && type_file(it->second, e->name)) {
                relevant = true;
            }
        }
    }
    if (rearm && arm()) relevant = true;
    return relevant;
}

}  // namespace ttbus::types
