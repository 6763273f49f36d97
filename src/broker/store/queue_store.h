// Queued messages on disk (SQLite), so that a broker restart loses none: the broker writes each
// Queued effect and deletes each Dequeued one, and restores what is left when it starts.
#pragma once

#include "core/effect.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace ttbus::store {

// What open() did with a damaged database file: it is never used nor silently shortened, but moved
// aside, and what can still be read of it is copied into a fresh one.
struct Salvage {
    std::string damage;    // what SQLite's integrity check said
    std::string moved_to;  // the damaged file, kept for a human to look at
    std::size_t recovered = 0;
    std::optional<std::size_t> lost;  // when the file still tells how many it held
};

class QueueStore {
public:
    // Opens (creating the file and its directory if needed) the store at `path`; nullptr and
    // `error` set when it cannot. A damaged file is salvaged first (see Salvage), reported in
    // `salvaged`.
    static std::unique_ptr<QueueStore> open(const std::string& path, std::string* error,
                                            std::optional<Salvage>* salvaged = nullptr);
    ~QueueStore();
    QueueStore(const QueueStore&) = delete;
    QueueStore& operator=(const QueueStore&) = delete;

    bool put(const core::Queued& q, std::string* error);
    bool remove(const core::Dequeued& d, std::string* error);
    // Everything kept, in the order it was queued; entries that cannot be read are reported in
    // `problems` and skipped.
    std::vector<core::Queued> load(std::vector<std::string>* problems);
    // Drops everything kept for a session (it ended).
    bool drop_session(const std::string& session, std::string* error);

private:
    explicit QueueStore(sqlite3* db) : db_(db) {}
    bool exec(const char* sql, std::string* error);
    // Moves the damaged file at `path` aside and copies every row still readable into this (fresh) store.
    Salvage salvage(const std::string& path, std::string damage);
    sqlite3* db_;
};

// $XDG_STATE_HOME/ttbus/queue.sqlite, or ~/.local/state/ttbus/queue.sqlite (home_directory());
// "" when the user has no home.
std::string default_queue_store_path();

}  // namespace ttbus::store
