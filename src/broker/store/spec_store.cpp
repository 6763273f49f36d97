#include "spec_store.h"

#include "protocol/spec.h"

namespace ttbus::store {

namespace {

constexpr TableShape specs_table{"specs", "id, objid, file, otype", 4, "sqlite_autoindex_specs_1"};
constexpr TableShape props_table{"props", "id, objid, name, name_order, value_order, value", 6,
                                 "sqlite_autoindex_props_1"};

// The rows of a file and of every file under it: the path itself, or a path that continues it
// after a '/' (compared as text: '%' and '_' in names are no wildcards here).
constexpr const char* under_file = "(file = ?1 OR substr(file, 1, length(?1) + 1) = ?1 || '/')";

}  // namespace

std::unique_ptr<SpecStore> SpecStore::open(const std::string& path, std::string* error,
                                           std::optional<Salvage>* salvaged) {
    sqlite3* db = open_store_file(path,
                                  "CREATE TABLE IF NOT EXISTS specs ("
                                  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " objid TEXT NOT NULL UNIQUE, file TEXT NOT NULL, otype TEXT NOT NULL);"
                                  "CREATE INDEX IF NOT EXISTS specs_by_file ON specs (file);"
                                  "CREATE TABLE IF NOT EXISTS props ("
                                  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " objid TEXT NOT NULL, name TEXT NOT NULL,"
                                  " name_order INTEGER NOT NULL, value_order INTEGER NOT NULL, value BLOB NOT NULL,"
                                  " UNIQUE (objid, name, value_order));",
                                  {specs_table, props_table}, error, salvaged);
    return db ? std::unique_ptr<SpecStore>(new SpecStore(db)) : nullptr;
}

SpecStore::~SpecStore() { sqlite3_close(db_); }

Status SpecStore::failed(std::string* error) const {
    fail(db_, error);
    return Status::ERR_DBAVAIL;
}

namespace {

// Replaces the values of one property of a spec, keeping the name's place (or putting a new name last).
bool put_property(sqlite3* db, const std::string& objid, const SpecProperty& p) {
    sqlite3_int64 order = 0;
    {
        Statement st(db, "SELECT coalesce((SELECT min(name_order) FROM props WHERE objid = ?1 AND name = ?2),"
                         " (SELECT coalesce(max(name_order), 0) + 1 FROM props WHERE objid = ?1))");
        if (!st || st.bind(1, objid).bind(2, p.name).step() != SQLITE_ROW) return false;
        order = st.int64(0);
    }
    Statement drop(db, "DELETE FROM props WHERE objid = ?1 AND name = ?2");
    if (!drop || drop.bind(1, objid).bind(2, p.name).step() != SQLITE_DONE) return false;
    Statement add(db, "INSERT INTO props (objid, name, name_order, value_order, value) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!add) return false;
    for (std::size_t i = 0; i < p.values.size(); ++i) {
        add.reset();
        add.bind(1, objid).bind(2, p.name).bind(3, order).bind(4, static_cast<sqlite3_int64>(i));
        if (add.bind_blob(5, p.values[i]).step() != SQLITE_DONE) return false;
    }
    return true;
}

bool exists(sqlite3* db, const std::string& objid, bool* found) {
    Statement st(db, "SELECT 1 FROM specs WHERE objid = ?1");
    if (!st) return false;
    int r = st.bind(1, objid).step();
    *found = r == SQLITE_ROW;
    return r == SQLITE_ROW || r == SQLITE_DONE;
}

// One statement run once with the given text parameters; true when it completed.
template <typename... Texts>
bool run(sqlite3* db, const std::string& sql, const Texts&... texts) {
    Statement st(db, sql);
    if (!st) return false;
    int i = 0;
    (st.bind(++i, texts), ...);
    return st.step() == SQLITE_DONE;
}

}  // namespace

Status SpecStore::create(const Spec& spec, std::string* error) {
    Transaction t(db_);
    bool found = false;
    if (!t || !exists(db_, spec.objid, &found)) return failed(error);
    if (found) {
        if (error != nullptr) *error = "a spec " + spec.objid + " exists";
        return Status::ERR_INVALID;
    }
    if (!run(db_, "INSERT INTO specs (objid, file, otype) VALUES (?1, ?2, ?3)", spec.objid, spec.file, spec.otype)) {
        return failed(error);
    }
    for (const auto& p : spec.props) {
        if (!put_property(db_, spec.objid, p)) return failed(error);
    }
    return t.commit() ? Status::OK : failed(error);
}

Status SpecStore::find(const std::string& objid, Spec* out, std::string* error) const {
    Statement st(db_, "SELECT file, otype FROM specs WHERE objid = ?1");
    if (!st) return failed(error);
    int r = st.bind(1, objid).step();
    if (r == SQLITE_DONE) return Status::ERR_OBJID;
    if (r != SQLITE_ROW) return failed(error);
    Spec spec{objid, st.text(0), st.text(1), {}};
    Statement props(db_, "SELECT name, value FROM props WHERE objid = ?1 ORDER BY name_order, value_order");
    if (!props) return failed(error);
    props.bind(1, objid);
    while ((r = props.step()) == SQLITE_ROW) {
        std::string name = props.text(0);
        if (spec.props.empty() || spec.props.back().name != name) spec.props.push_back({name, {}});
        spec.props.back().values.push_back(props.text(1));
    }
    if (r != SQLITE_DONE) return failed(error);
    *out = std::move(spec);
    return Status::OK;
}

Status SpecStore::write(const std::string& objid, const std::string& otype, const std::vector<SpecProperty>& changes,
                        std::string* error) {
    Transaction t(db_);
    bool found = false;
    if (!t || !exists(db_, objid, &found)) return failed(error);
    if (!found) return Status::ERR_OBJID;
    if (!otype.empty() && !run(db_, "UPDATE specs SET otype = ?2 WHERE objid = ?1", objid, otype)) return failed(error);
    for (const auto& p : changes) {
        if (!put_property(db_, objid, p)) return failed(error);
    }
    return t.commit() ? Status::OK : failed(error);
}

Status SpecStore::destroy(const std::string& objid, std::string* error) {
    Transaction t(db_);
    bool found = false;
    if (!t || !exists(db_, objid, &found)) return failed(error);
    if (!found) return Status::ERR_OBJID;
    if (!run(db_, "DELETE FROM props WHERE objid = ?1", objid) || !run(db_, "DELETE FROM specs WHERE objid = ?1", objid)) {
        return failed(error);
    }
    return t.commit() ? Status::OK : failed(error);
}

Status SpecStore::move(const std::string& objid, const std::string& file, std::string* error) {
    Transaction t(db_);
    bool found = false;
    if (!t || !exists(db_, objid, &found)) return failed(error);
    if (!found) return Status::ERR_OBJID;
    if (!run(db_, "UPDATE specs SET file = ?2 WHERE objid = ?1", objid, file)) return failed(error);
    return t.commit() ? Status::OK : failed(error);
}

Status SpecStore::objects(const std::string& file, std::vector<std::string>* out, std::string* error) const {
    Statement st(db_, "SELECT objid FROM specs WHERE file = ?1 ORDER BY id");
    if (!st) return failed(error);
    st.bind(1, file);
    int r;
    while ((r = st.step()) == SQLITE_ROW) out->push_back(st.text(0));
    return r == SQLITE_DONE ? Status::OK : failed(error);
}

Status SpecStore::move_file(const std::string& from, const std::string& to, std::string* error) {
    Transaction t(db_);
    if (!t || !run(db_, std::string("UPDATE specs SET file = ?2 || substr(file, length(?1) + 1) WHERE ") + under_file,
                   from, to)) {
        return failed(error);
    }
    return t.commit() ? Status::OK : failed(error);
}

Status SpecStore::copy_file(const std::string& from, const std::string& to, std::string* error) {
    Transaction t(db_);
    if (!t) return failed(error);
    struct Copy {
        std::string objid, file, otype;
    };
    std::vector<Copy> copies;
    {
        Statement st(db_, std::string("SELECT objid, ?2 || substr(file, length(?1) + 1), otype FROM specs WHERE ") +
                              under_file + " ORDER BY id");
        if (!st) return failed(error);
        st.bind(1, from).bind(2, to);
        int r;
        while ((r = st.step()) == SQLITE_ROW) copies.push_back({st.text(0), st.text(1), st.text(2)});
        if (r != SQLITE_DONE) return failed(error);
    }
    for (const auto& c : copies) {
        const std::string objid = protocol::new_objid();
        if (objid.empty()) {
            if (error != nullptr) *error = "no random bytes for new objids";
            return Status::ERR_INTERNAL;
        }
        if (!run(db_, "INSERT INTO specs (objid, file, otype) VALUES (?1, ?2, ?3)", objid, c.file, c.otype) ||
            !run(db_, "INSERT INTO props (objid, name, name_order, value_order, value) "
                      "SELECT ?2, name, name_order, value_order, value FROM props WHERE objid = ?1 ORDER BY id",
                 c.objid, objid)) {
            return failed(error);
        }
    }
    return t.commit() ? Status::OK : failed(error);
}

Status SpecStore::destroy_file(const std::string& file, std::string* error) {
    Transaction t(db_);
    if (!t ||
        !run(db_, std::string("DELETE FROM props WHERE objid IN (SELECT objid FROM specs WHERE ") + under_file + ")",
             file) ||
        !run(db_, std::string("DELETE FROM specs WHERE ") + under_file, file)) {
        return failed(error);
    }
    return t.commit() ? Status::OK : failed(error);
}

std::optional<core::ObjectSpec> SpecStore::object(const std::string& objid) const {
    Statement st(db_, "SELECT otype, file FROM specs WHERE objid = ?1");
    if (!st || st.bind(1, objid).step() != SQLITE_ROW) return std::nullopt;
    return core::ObjectSpec{st.text(0), st.text(1)};
}

std::string default_spec_store_path() { return default_store_path("specs.sqlite"); }

}  // namespace ttbus::store
