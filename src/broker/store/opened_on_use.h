// A store the broker opens when it is first used, not at start: an idle broker then neither runs
// SQLite's code nor holds its cache (about 1 MiB of its resident memory). A store whose file does
// not exist holds nothing, so reading it needs no opening.
#pragma once

#include "sqlite_file.h"

#include <unistd.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ttbus::store {

template <typename Store>
class OpenedOnUse {
public:
    // Told once, when the store is opened: null and the reason when it could not be, and what was
    // salvaged when its file was damaged.
    using Opened = std::function<void(const std::string& path, const Store* store, const std::string& error, const std::optional<Salvage>&)>;

    // `path` "" is no store at all.
    OpenedOnUse(std::string path, Opened opened) : path_(std::move(path)), opened_(std::move(opened)) {}

    const std::string& path() const { return path_; }
    // The store, opened now if it is not yet; null when there is none or it cannot be opened (tried once).
    Store* get() const {
        if (!tried_ && !path_.empty()) {
            tried_ = true;
            std::string error;
            std::optional<Salvage> salvaged;
            store_ = Store::open(path_, &error, &salvaged);
            opened_(path_, store_.get(), error, salvaged);
        }
        return store_.get();
    }
    // The store if it is open already.
    Store* if_open() const { return store_.get(); }
    // Whether there is something to open: it is open, or its file exists.
    bool on_disk() const { return store_ != nullptr || (!path_.empty() && access(path_.c_str(), F_OK) == 0); }
    // Closes a store that holds nothing and removes its files, so that the next broker finds none
    // to open (a later use makes it again); one that holds something stays.
    void remove_if_empty() {
        if (!store_ || !store_->empty()) return;
        store_.reset();
        tried_ = false;
        for (const char* suffix : {"", "-wal", "-shm"}) unlink((path_ + suffix).c_str());
    }

private:
    std::string path_;
    Opened opened_;
    mutable bool tried_ = false;
    mutable std::unique_ptr<Store> store_;
};

}  // namespace ttbus::store
