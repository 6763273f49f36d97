#include "sqlite_file.h"

#include "user_dirs.h"

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

// The stores hold message contents and what users wrote about their files: only the user may read
// them. Missing directories are made 0700 and the database 0600 (an older, wider one is narrowed);
// SQLite gives its -wal and -shm files the database's mode.
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
// could not run for another reason than damage (that reason then stops opening at the schema).
// The full integrity_check, not quick_check: it also compares the indexes with the tables (which the
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

// Copies the rows of one table still readable in `old` into `fresh`, row by row in rowid order, so
// a damaged page costs only the rows on it: each step looks up the next rowid from the root, and a
// step that fails moves on by one. Adds to the salvage's counts.
void copy_readable_rows(sqlite3* old, sqlite3* fresh, const TableShape& t, Salvage& out, bool& count_known) {
    const std::string table = t.table;
    const std::string columns = t.columns;
    const std::string first = columns.substr(0, columns.find(','));
    // The highest rowid ever given bounds the walk; unknown, the walk stops at the first failure.
    sqlite3_int64 last = 0;
    bool bounded = false;
    for (const std::string& sql : {"SELECT seq FROM sqlite_sequence WHERE name = '" + table + "'",
                                   "SELECT max(" + first + ") FROM " + table}) {
        Statement st(old, sql);
        if (st && st.step() == SQLITE_ROW) {
            last = std::max(last, st.int64(0));
            bounded = true;
        }
    }
    if (!bounded) last = std::numeric_limits<sqlite3_int64>::max();
    std::string placeholders;
    for (int i = 1; i <= t.column_count; ++i) placeholders += (i > 1 ? ", ?" : "?") + std::to_string(i);
    Statement read(old, "SELECT " + columns + " FROM " + table + " WHERE " + first + " >= ?1 ORDER BY " + first +
                            " LIMIT 1");
    Statement write(fresh, "INSERT OR IGNORE INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")");
    // A damaged page holds a few rows, an interior page the rows of some hundred leaves: a longer
    // run of failures means the bound itself is damaged.
    constexpr int give_up_after = 1'000'000;
    std::size_t recovered = 0;
    for (sqlite3_int64 row = 1, failures = 0; read && write && row <= last && failures < give_up_after;) {
        read.reset();
        int r = read.bind(1, row).step();
        if (r == SQLITE_DONE) break;
        if (r != SQLITE_ROW) {
            if (!bounded) break;
            ++row;
            ++failures;
            continue;
        }
        failures = 0;
        row = read.int64(0) + 1;
        write.reset();
        for (int i = 0; i < t.column_count; ++i) write.bind(i + 1, read.value(i));
        if (write.step() == SQLITE_DONE && sqlite3_changes(fresh) == 1) ++recovered;
    }
    out.recovered += recovered;
    Statement count(old, t.index ? "SELECT count(*) FROM " + table + " INDEXED BY " + t.index : std::string());
    if (t.index && count && count.step() == SQLITE_ROW && static_cast<std::size_t>(count.int64(0)) >= recovered) {
        out.lost = out.lost.value_or(0) + static_cast<std::size_t>(count.int64(0)) - recovered;
    } else {
        count_known = false;
    }
}

Salvage salvage(sqlite3* fresh, const std::string& damaged, std::string damage, std::initializer_list<TableShape> tables) {
    Salvage out{std::move(damage), damaged, 0, std::nullopt};
    sqlite3* old = nullptr;
    if (sqlite3_open_v2(damaged.c_str(), &old, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(old);
        return out;
    }
    bool count_known = true;
    exec(fresh, "BEGIN", nullptr);
    for (const auto& t : tables) copy_readable_rows(old, fresh, t, out, count_known);
    exec(fresh, "COMMIT", nullptr);
    if (!count_known) out.lost.reset();
    sqlite3_close(old);
    return out;
}

}  // namespace

bool fail(sqlite3* db, std::string* error) {
    if (error != nullptr) *error = sqlite3_errmsg(db);
    return false;
}

bool exec(sqlite3* db, const char* sql, std::string* error) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    if (error != nullptr) *error = message ? message : "sqlite error";
    sqlite3_free(message);
    return false;
}

sqlite3* open_store_file(const std::string& path, const char* schema, std::initializer_list<TableShape> tables,
                         std::string* error, std::optional<Salvage>* salvaged) {
    sqlite3* db = open_file(path, error);
    if (db == nullptr) return nullptr;
    std::string damage = damage_of(db);
    std::string moved_to;
    if (!damage.empty()) {
        sqlite3_close(db);
        if (!move_aside(path, &moved_to, error) || (db = open_file(path, error)) == nullptr) return nullptr;
    }
    // WAL: writers do not block the broker on readers; NORMAL sync is durable across a process
    // crash, which is what a broker restart is.
    if (!exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", error) || !exec(db, schema, error)) {
        sqlite3_close(db);
        return nullptr;
    }
    if (!damage.empty()) {
        Salvage s = salvage(db, moved_to, std::move(damage), tables);
        if (salvaged != nullptr) *salvaged = std::move(s);
    }
    // The pages the integrity check read are not needed again soon: the broker's idle memory is
    // less by their cache.
    sqlite3_db_release_memory(db);
    return db;
}

std::string salvage_report(const char* what, const std::string& path, const Salvage& s, const char* rows) {
    return std::string("the ") + what + " database " + path + " is damaged (" + s.damage + "): " +
           std::to_string(s.recovered) + " " + rows + " recovered, " +
           (s.lost ? std::to_string(*s.lost) : std::string("an unknown number of")) +
           " lost; the damaged file is kept as " + s.moved_to;
}

std::string default_store_path(const char* name) {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && state[0] == '/') {
        return std::string(state) + "/ttbus/" + name;
    }
    const auto home = home_directory();
    return home ? *home + "/.local/state/ttbus/" + name : std::string();
}

}  // namespace ttbus::store
