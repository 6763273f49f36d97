#include "queue_store.h"

#include "message_codec.h"
#include "user_dirs.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace ttbus::store {

namespace {

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    explicit operator bool() const { return stmt_ != nullptr; }
    Statement& bind(int i, const std::string& s) {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, int v) {
        sqlite3_bind_int(stmt_, i, v);
        return *this;
    }
    int step() { return sqlite3_step(stmt_); }
    std::string text(int col) {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
    }
    int integer(int col) { return sqlite3_column_int(stmt_, col); }

private:
    sqlite3_stmt* stmt_ = nullptr;
};

bool fail(sqlite3* db, std::string* error) {
    if (error != nullptr) *error = sqlite3_errmsg(db);
    return false;
}

// Queued messages carry their contents: only the user may read them. Missing directories are made
// 0700 and the database 0600 (an older, wider one is narrowed); SQLite gives its -wal and -shm
// files the database's mode.
bool make_private(const std::filesystem::path& path, std::string* error) {
    std::filesystem::path directory;
    for (const auto& part : path.parent_path()) {
        directory /= part;
        if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) break;  // open below says why
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0) {
        if (error != nullptr) *error = path.string() + ": " + std::strerror(errno);
        if (fd >= 0) close(fd);
        return false;
    }
    close(fd);
    return true;
}

}  // namespace

std::unique_ptr<QueueStore> QueueStore::open(const std::string& path, std::string* error) {
    if (!make_private(path, error)) return nullptr;
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        if (error != nullptr) *error = db ? sqlite3_errmsg(db) : "cannot open " + path;
        sqlite3_close(db);
        return nullptr;
    }
    std::unique_ptr<QueueStore> store(new QueueStore(db));
    // WAL: writers do not block the broker on readers; NORMAL sync is durable across a process
    // crash, which is what a broker restart is.
    if (!store->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE IF NOT EXISTS queued ("
                     " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                     " scope INTEGER NOT NULL, queue TEXT NOT NULL, ptype TEXT NOT NULL, id TEXT NOT NULL,"
                     " observer_copy INTEGER NOT NULL, message TEXT NOT NULL,"
                     " UNIQUE (scope, queue, ptype, id))",
                     error)) {
        return nullptr;
    }
    return store;
}

QueueStore::~QueueStore() { sqlite3_close(db_); }

bool QueueStore::exec(const char* sql, std::string* error) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    if (error != nullptr) *error = message ? message : "sqlite error";
    sqlite3_free(message);
    return false;
}

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

std::string default_queue_store_path() {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && state[0] == '/') {
        return std::string(state) + "/ttbus/queue.sqlite";
    }
    const auto home = home_directory();
    return home ? *home + "/.local/state/ttbus/queue.sqlite" : std::string();
}

}  // namespace ttbus::store
