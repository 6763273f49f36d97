#include "queue_store.h"

#include "message_codec.h"
#include "user_dirs.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>

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
    Statement& bind(int i, sqlite3_int64 v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Statement& bind(int i, sqlite3_value* v) {
        sqlite3_bind_value(stmt_, i, v);
        return *this;
    }
    int step() { return sqlite3_step(stmt_); }
    void reset() { sqlite3_reset(stmt_); }
    std::string text(int col) {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
    }
    int integer(int col) { return sqlite3_column_int(stmt_, col); }
    sqlite3_int64 int64(int col) { return sqlite3_column_int64(stmt_, col); }
    sqlite3_value* value(int col) { return sqlite3_column_value(stmt_, col); }

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

sqlite3* open_file(const std::string& path, std::string* error) {
    if (!make_private(path, error)) return nullptr;
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) return db;
    if (error != nullptr) *error = db ? sqlite3_errmsg(db) : "cannot open " + path;
    sqlite3_close(db);
    return nullptr;
}

// What SQLite's integrity check finds wrong with the file; "" when it is sound, or when the check
// could not run for another reason than damage (that reason then stops open() at the schema).
// The full integrity_check, not quick_check: it also compares the index with the table (which the
// salvage counts losses by), and costs little more, once per start: 96 ms against 59 ms for 10,000
// queued messages of 1 KB (10 MB), 1.0 s against 0.7 s for 100,000, on a loaded 2-core machine.
std::string damage_of(sqlite3* db) {
    Statement st(db, "PRAGMA integrity_check");
    int r = st ? st.step() : sqlite3_errcode(db);
    if (r == SQLITE_ROW) {
        if (st.text(0) == "ok") return {};
        std::string first = st.text(0);  // the first problem found, on one line for the log
        std::replace(first.begin(), first.end(), '\n', ' ');
        return first;
    }
    int code = sqlite3_errcode(db) & 0xff;
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? std::string(sqlite3_errmsg(db)) : std::string();
}

// Renames the damaged file (with its WAL and shared-memory files) to PATH.damaged-<UTC time>.
bool move_aside(const std::string& path, std::string* moved_to, std::string* error) {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    std::string target = path + ".damaged-" + stamp;
    for (int n = 2; std::filesystem::exists(target); ++n) target = path + ".damaged-" + stamp + "-" + std::to_string(n);
    std::error_code ec;
    std::filesystem::rename(path, target, ec);
    for (const char* suffix : {"-wal", "-shm"}) {
        if (!ec && std::filesystem::exists(path + suffix)) std::filesystem::rename(path + suffix, target + suffix, ec);
    }
    if (ec) {
        if (error != nullptr) *error = "cannot move the damaged " + path + " aside: " + ec.message();
        return false;
    }
    *moved_to = target;
    return true;
}

}  // namespace

std::unique_ptr<QueueStore> QueueStore::open(const std::string& path, std::string* error,
                                             std::optional<Salvage>* salvaged) {
    sqlite3* db = open_file(path, error);
    if (db == nullptr) return nullptr;
    std::string damage = damage_of(db);
    std::string moved_to;
    if (!damage.empty()) {
        sqlite3_close(db);
        if (!move_aside(path, &moved_to, error) || (db = open_file(path, error)) == nullptr) return nullptr;
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
    if (!damage.empty()) {
        Salvage s = store->salvage(moved_to, std::move(damage));
        if (salvaged != nullptr) *salvaged = std::move(s);
    }
    return store;
}

// Row by row in seq order, so a damaged page costs only the rows on it: each step looks up the
// next seq from the root, and a step that fails moves on by one.
Salvage QueueStore::salvage(const std::string& damaged, std::string damage) {
    Salvage out{std::move(damage), damaged, 0, std::nullopt};
    sqlite3* old = nullptr;
    if (sqlite3_open_v2(damaged.c_str(), &old, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(old);
        return out;
    }
    // The highest seq ever given bounds the walk; unknown, the walk stops at the first failure.
    sqlite3_int64 last = 0;
    bool bounded = false;
    for (const char* sql : {"SELECT seq FROM sqlite_sequence WHERE name = 'queued'", "SELECT max(seq) FROM queued"}) {
        Statement st(old, sql);
        if (st && st.step() == SQLITE_ROW) {
            last = std::max(last, st.int64(0));
            bounded = true;
        }
    }
    if (!bounded) last = std::numeric_limits<sqlite3_int64>::max();
    {
        Statement read(old, "SELECT seq, scope, queue, ptype, id, observer_copy, message FROM queued "
                            "WHERE seq >= ?1 ORDER BY seq LIMIT 1");
        Statement write(db_, "INSERT OR IGNORE INTO queued (seq, scope, queue, ptype, id, observer_copy, message) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        // A damaged page holds a few rows, an interior page the rows of some hundred leaves: a
        // longer run of failures means the bound itself is damaged.
        constexpr int give_up_after = 1'000'000;
        exec("BEGIN", nullptr);
        for (sqlite3_int64 seq = 1, failures = 0; read && write && seq <= last && failures < give_up_after;) {
            read.reset();
            int r = read.bind(1, seq).step();
            if (r == SQLITE_DONE) break;
            if (r != SQLITE_ROW) {
                if (!bounded) break;
                ++seq;
                ++failures;
                continue;
            }
            failures = 0;
            seq = read.int64(0) + 1;
            write.reset();
            for (int i = 0; i < 7; ++i) write.bind(i + 1, read.value(i));
            if (write.step() == SQLITE_DONE && sqlite3_changes(db_) == 1) ++out.recovered;
        }
        exec("COMMIT", nullptr);
        // The index holds one entry per row; read whole, it tells how many there were.
        Statement count(old, "SELECT count(*) FROM queued INDEXED BY sqlite_autoindex_queued_1");
        if (count && count.step() == SQLITE_ROW && static_cast<std::size_t>(count.int64(0)) >= out.recovered) {
            out.lost = static_cast<std::size_t>(count.int64(0)) - out.recovered;
        }
    }
    sqlite3_close(old);
    return out;
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
