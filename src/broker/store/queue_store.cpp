#include "queue_store.h"

#include "message_codec.h"

namespace ttbus::store {

namespace {

constexpr TableShape queued_table{"queued", "seq, scope, queue, ptype, id, observer_copy, message", 7,
                                  "sqlite_autoindex_queued_1"};

}  // namespace

std::unique_ptr<QueueStore> QueueStore::open(const std::string& path, std::string* error,
                                             std::optional<Salvage>* salvaged) {
    sqlite3* db = open_store_file(path,
                                  "CREATE TABLE IF NOT EXISTS queued ("
                                  " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " scope INTEGER NOT NULL, queue TEXT NOT NULL, ptype TEXT NOT NULL, id TEXT NOT NULL,"
                                  " observer_copy INTEGER NOT NULL, message TEXT NOT NULL,"
                                  " UNIQUE (scope, queue, ptype, id))",
                                  {queued_table}, error, salvaged);
    return db ? std::unique_ptr<QueueStore>(new QueueStore(db)) : nullptr;
}

QueueStore::~QueueStore() { sqlite3_close(db_); }

bool QueueStore::put(const core::Queued& q, std::string* error) {
    Statement st(db_, "INSERT OR REPLACE INTO queued (scope, queue, ptype, id, observer_copy, message) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return fail(db_, error);
    st.bind(1, static_cast<int>(q.queue.scope)).bind(2, q.queue.name).bind(3, q.ptype).bind(4, q.message->id);
    st.bind(5, q.observer_copy ? 1 : 0).bind(6, encode_message(q.message));
    return st.step() == SQLITE_DONE || fail(db_, error);
}

bool QueueStore::remove(const core::Dequeued& d, std::string* error) {
    Statement st(db_, "DELETE FROM queued WHERE scope = ?1 AND queue = ?2 AND ptype = ?3 AND id = ?4");
    if (!st) return fail(db_, error);
    st.bind(1, static_cast<int>(d.queue.scope)).bind(2, d.queue.name).bind(3, d.ptype).bind(4, d.message_id);
    return st.step() == SQLITE_DONE || fail(db_, error);
}

bool QueueStore::drop_session(const std::string& session, std::string* error) {
    Statement st(db_, "DELETE FROM queued WHERE scope = ?1 AND queue = ?2");
    if (!st) return fail(db_, error);
    st.bind(1, static_cast<int>(core::Scope::SESSION)).bind(2, session);
    return st.step() == SQLITE_DONE || fail(db_, error);
}

bool QueueStore::empty() const {
    Statement st(db_, "SELECT 1 FROM queued LIMIT 1");
    return st && st.step() == SQLITE_DONE;
}

std::vector<core::Queued> QueueStore::load(std::vector<std::string>* problems) {
    std::vector<core::Queued> out;
    Statement st(db_, "SELECT scope, queue, ptype, id, observer_copy, message FROM queued ORDER BY seq");
    if (!st) {
        if (problems != nullptr) problems->push_back(sqlite3_errmsg(db_));
        return out;
    }
    while (st.step() == SQLITE_ROW) {
        std::string error;
        auto message = decode_message(st.text(5), &error);
        auto scope = static_cast<core::Scope>(st.integer(0));
        if (!message || (scope != core::Scope::SESSION && scope != core::Scope::FILE)) {
            if (problems != nullptr) problems->push_back("queued message " + st.text(3) + ": " + (message ? "bad queue" : error));
            continue;
        }
        out.push_back(core::Queued{{scope, st.text(1)}, st.text(2), std::move(*message), st.integer(4) != 0});
    }
    return out;
}

std::string default_queue_store_path() { return default_store_path("queue.sqlite"); }

}  // namespace ttbus::store
