// Queued messages on disk (SQLite), so that a broker restart loses none: the broker writes each
// Queued effect and deletes each Dequeued one, and restores what is left when it starts.
#pragma once

#include "core/effect.h"
#include "sqlite_file.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ttbus::store {

class QueueStore {
public:
    // Opens (creating the file and its directory if needed) the store at `path`; nullptr and
    // `error` set when it cannot. A damaged file is salvaged first (see open_store_file), reported
    // in `salvaged`.
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
    // Whether it keeps no message; false when it cannot tell (such a file is not thrown away).
    bool empty() const;

private:
    explicit QueueStore(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

// $XDG_STATE_HOME/ttbus/queue.sqlite, or ~/.local/state/ttbus/queue.sqlite (home_directory());
// "" when the user has no home.
std::string default_queue_store_path();

}  // namespace ttbus::store
