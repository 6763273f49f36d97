// Object specs on disk (SQLite, $XDG_STATE_HOME/ttbus/specs.sqlite): each spec has an objid, the
// canonical path of its file, an otype and named properties holding ordered byte values. Every
// change is committed before the call returns, and the changes of a file's specs (move, copy,
// destroy) happen in one transaction. The engine asks it for the otype and file of an objid
// (core::SpecLookup). Who may do what is the broker's to check (dbus/spec_methods.cpp).
#pragma once

#include "core/object_specs.h"
#include "protocol/enums.h"
#include "protocol/spec.h"
#include "opened_on_use.h"
#include "sqlite_file.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ttbus::store {

using protocol::SpecProperty;

struct Spec {
    std::string objid;
    std::string file;
    std::string otype;
    std::vector<SpecProperty> props;  // in the order their names were first written
};

// The statuses are classic ones: ERR_OBJID for an objid with no spec, ERR_DBAVAIL (with `error`)
// when the database fails.
using protocol::Status;

class SpecStore : public core::SpecLookup {
public:
    // Opens (creating the file and its directory if needed) the store at `path`; nullptr and
    // `error` set when it cannot. A damaged file is salvaged first (see open_store_file).
    static std::unique_ptr<SpecStore> open(const std::string& path, std::string* error,
                                           std::optional<Salvage>* salvaged = nullptr);
    ~SpecStore() override;
    SpecStore(const SpecStore&) = delete;
    SpecStore& operator=(const SpecStore&) = delete;

    // A new spec; its objid must be new (ERR_INVALID otherwise).
    Status create(const Spec& spec, std::string* error);
    // The spec, or ERR_OBJID.
    Status find(const std::string& objid, Spec* out, std::string* error) const;
    // Sets the otype (unless "") and replaces the values of each named property (none removes it);
    // a property keeps its place among the names.
    Status write(const std::string& objid, const std::string& otype, const std::vector<SpecProperty>& changes,
                 std::string* error);
    Status destroy(const std::string& objid, std::string* error);
    // The spec now belongs to `file`; its objid stays.
    Status move(const std::string& objid, const std::string& file, std::string* error);

    // The objids of the specs of a file, oldest first.
    Status objects(const std::string& file, std::vector<std::string>* out, std::string* error) const;
    // A file's specs and those of every file under it (a directory's): moved to the new path,
    // copied to it (with new objids), or destroyed. Each is one transaction.
    Status move_file(const std::string& from, const std::string& to, std::string* error);
    Status copy_file(const std::string& from, const std::string& to, std::string* error);
    Status destroy_file(const std::string& file, std::string* error);

    std::optional<core::ObjectSpec> object(const std::string& objid) const override;

private:
    explicit SpecStore(sqlite3* db) : db_(db) {}
    Status failed(std::string* error) const;
    sqlite3* db_;
};

// The engine's lookup in a spec store opened on use: without a file there is no spec to find, and
// looking needs no opening.
class SpecLookupOnUse final : public core::SpecLookup {
public:
    explicit SpecLookupOnUse(const OpenedOnUse<SpecStore>& specs) : specs_(specs) {}
    std::optional<core::ObjectSpec> object(const std::string& objid) const override {
        const SpecStore* s = specs_.on_disk() ? specs_.get() : nullptr;
        return s ? s->object(objid) : std::nullopt;
    }

private:
    const OpenedOnUse<SpecStore>& specs_;
};

// $XDG_STATE_HOME/ttbus/specs.sqlite, or ~/.local/state/ttbus/specs.sqlite; "" when the user has no home.
std::string default_spec_store_path();

}  // namespace ttbus::store
