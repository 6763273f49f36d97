// Type files and the one type database: reading any type file, loading the search path into one
// TypeSet (leftmost wins per id), and writing a database file safely.
#pragma once

#include "diagnostic.h"
#include "preprocessor.h"
#include "search_path.h"
#include "typeset.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ttbus::types {

enum class FileFormat { Xdr, Json, Source };

// By name: *.json is JSON, *.types a classic source, anything else (types.xdr) the compiled format.
FileFormat format_of(const std::string& path);

struct FileTypes {
    TypeSet types;
    Diagnostics diagnostics;
    bool ok() const { return !has_errors(diagnostics); }
};

// Reads one file ("-": standard input, read as `format`). A missing or empty file holds no types.
// Sources (JSON and classic) are checked; they may refer to types in `known`.
FileTypes read_type_file(const std::string& path, FileFormat format, const CppOptions& cpp, const TypeSet& known);
inline FileTypes read_type_file(const std::string& path, const CppOptions& cpp, const TypeSet& known) {
    return read_type_file(path, format_of(path), cpp, known);
}

// Loads every entry of the path into one set. Entries are read from the right, each file able to
// refer to the types of those already read, and a definition replaces one with the same id, so the
// leftmost definition wins. A file with errors is skipped, and its errors are reported.
FileTypes load_database(const std::vector<PathEntry>& path, const CppOptions& cpp);

struct WriteOptions {
    int lock_attempts = 6;  // the classic writer's `.tt_lock` discipline
    std::chrono::milliseconds lock_pause{2000};
};

// Writes `set` to `path` in the format its name says: creates the directory, takes `.tt_lock` in it,
// writes `<path>_tmp` and renames it over `path`. Returns an error message on failure.
std::optional<std::string> write_database(const std::string& path, const TypeSet& set, const WriteOptions& options = {});

// The bytes of `set` in `format`.
std::string encode(const TypeSet& set, FileFormat format);

}  // namespace ttbus::types
