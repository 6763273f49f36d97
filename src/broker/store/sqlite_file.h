// What the broker's SQLite stores (queued messages, object specs) share: a private database file
// under $XDG_STATE_HOME/ttbus, checked when opened, a damaged one moved aside and what can still
// be read of it copied into a fresh one; prepared statements that finalize themselves.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <sqlite3.h>

namespace ttbus::store {

// What opening did with a damaged database file: it is never used nor silently shortened, but moved
// aside, and what can still be read of it is copied into a fresh one.
struct Salvage {
    std::string damage;    // what SQLite's integrity check said
    std::string moved_to;  // the damaged file, kept for a human to look at
    std::size_t recovered = 0;
    std::optional<std::size_t> lost;  // when the file still tells how many it held
};

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    Statement(sqlite3* db, const std::string& sql) : Statement(db, sql.c_str()) {}
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    explicit operator bool() const { return stmt_ != nullptr; }
    Statement& bind(int i, const std::string& s) {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind_blob(int i, const std::string& s) {
        sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
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
        auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
    }
    int integer(int col) { return sqlite3_column_int(stmt_, col); }
    sqlite3_int64 int64(int col) { return sqlite3_column_int64(stmt_, col); }
    sqlite3_value* value(int col) { return sqlite3_column_value(stmt_, col); }

private:
    sqlite3_stmt* stmt_ = nullptr;
};

// A transaction that rolls back unless committed.
class Transaction {
public:
    explicit Transaction(sqlite3* db)
        : db_(db), began_(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK) {}
    ~Transaction() {
        if (began_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    explicit operator bool() const { return began_; }
    bool commit() {
        began_ = false;
        return sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    }

private:
    sqlite3* db_;
    bool began_ = false;
};

// Sets *error to the database's last error; returns false.
bool fail(sqlite3* db, std::string* error);
bool exec(sqlite3* db, const char* sql, std::string* error);

// One table of a store, as its salvage copies it: `columns` starts with the rowid (by any name).
// `index`, when given, is a unique index over every row: read whole, it tells how many there were.
struct TableShape {
    const char* table;
    const char* columns;
    int column_count;
    const char* index = nullptr;
};

// A private SQLite file (0600 in 0700 directories made as needed), opened with `schema` run on it.
// A damaged file is moved aside to PATH.damaged-<UTC time> first and the readable rows of `tables`
// copied into the fresh one (reported in `salvaged`). Null and `error` set when it cannot be opened.
sqlite3* open_store_file(const std::string& path, const char* schema, std::initializer_list<TableShape> tables,
                         std::string* error, std::optional<Salvage>* salvaged);

// The line the broker logs for a salvage: "the WHAT database PATH is damaged (...): R ROWS recovered,
// L lost; the damaged file is kept as F".
std::string salvage_report(const char* what, const std::string& path, const Salvage& s, const char* rows);

// $XDG_STATE_HOME/ttbus/NAME, or ~/.local/state/ttbus/NAME; "" when the user has no home.
std::string default_store_path(const char* name);

}  // namespace ttbus::store
