#include "database.h"

#include "file_contents.h"
#include "text.h"
#include "json_types.h"
#include "parser.h"
#include "printer.h"
#include "semantic_check.h"
#include "xdr_types.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>

namespace ttbus::types {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

// nullopt: the file does not exist, or cannot be read (`error` says why).
std::optional<std::string> slurp(const std::string& path, std::string& error) {
    int errno_value = 0;
    auto data = file_contents(path, &errno_value);
    if (!data && errno_value != ENOENT) error = text::format(N_("cannot read %s: %s"), path, std::strerror(errno_value));
    return data;
}

void append(Diagnostics& to, const Diagnostics& from) { to.insert(to.end(), from.begin(), from.end()); }

// Entry files in the order they are read: right to left, so reversed name order in a directory.
std::vector<std::string> files_of(const PathEntry& e) {
    if (e.kind == EntryKind::Database) return {e.path};
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(e.path, ec)) {
        std::string p = f.path().string();
        if (f.is_regular_file(ec) && (ends_with(p, ".json") || ends_with(p, ".types") || ends_with(p, ".xdr"))) {
            out.push_back(p);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

class LockFile {
public:
    LockFile(const fs::path& dir, const WriteOptions& options) : path_(dir / ".tt_lock") {
        for (int attempt = 0; attempt < options.lock_attempts; ++attempt) {
            if (attempt > 0) std::this_thread::sleep_for(options.lock_pause);
            int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                ::close(fd);
                held_ = true;
                return;
            }
            if (errno != EEXIST) break;
        }
        error_ = errno;
    }
    ~LockFile() {
        if (held_) ::unlink(path_.c_str());
    }
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;
    bool held() const { return held_; }
    int error() const { return error_; }

private:
    fs::path path_;
    bool held_ = false;
    int error_ = 0;
};

}  // namespace

FileFormat format_of(const std::string& path) {
    if (ends_with(path, ".json")) return FileFormat::Json;
    if (ends_with(path, ".types")) return FileFormat::Source;
    return FileFormat::Xdr;
}

FileTypes read_type_file(const std::string& path, FileFormat format, const CppOptions& cpp, const TypeSet& known) {
    FileTypes out;
    const std::string shown = path == "-" ? "<stdin>" : path;
    if (format == FileFormat::Source) {
        if (path != "-" && !fs::exists(path)) return out;
        Preprocessed pre = preprocess(path, cpp);
        if (pre.cpp_missing) {
            out.diagnostics.push_back({Severity::Warning, {shown, 0, 0, {}},
                                       text::format(N_("%s cannot be run; parsing the file without the C preprocessor"),
                                                    cpp.program)});
        }
        if (pre.error) {
            out.diagnostics.push_back({Severity::Error, {shown, 0, 0, {}}, *pre.error});
            return out;
        }
        ParsedTypes parsed = parse_types(pre.text, shown);
        check_types(parsed, known);
        append(out.diagnostics, parsed.diagnostics);
        if (parsed.ok()) out.types = std::move(parsed.types);
        return out;
    }
    std::string error;
    auto data = slurp(path, error);
    if (!error.empty()) out.diagnostics.push_back({Severity::Error, {shown, 0, 0, {}}, error});
    if (!data) return out;
    if (format == FileFormat::Json) {
        ParsedTypes parsed = parse_json_types(*data, shown);
        check_types(parsed, known);
        append(out.diagnostics, parsed.diagnostics);
        if (parsed.ok()) out.types = std::move(parsed.types);
    } else {
        XdrRead read = read_types_xdr(*data, shown);
        append(out.diagnostics, read.diagnostics);
        out.types = std::move(read.types);
    }
    return out;
}

FileTypes load_database(const std::vector<PathEntry>& path, const CppOptions& cpp) {
    FileTypes out;
    for (auto entry = path.rbegin(); entry != path.rend(); ++entry) {
        auto files = files_of(*entry);
        for (auto f = files.rbegin(); f != files.rend(); ++f) {
            FileTypes one = read_type_file(*f, cpp, out.types);
            append(out.diagnostics, one.diagnostics);
            if (one.ok()) merge(out.types, one.types, MergeMode::Overwrite);
        }
    }
    return out;
}

std::string encode(const TypeSet& set, FileFormat format) {
    switch (format) {
        case FileFormat::Json: return write_json_types(set);
        case FileFormat::Source: return print_types(set);
        default: return write_types_xdr(set);
    }
}

std::optional<std::string> write_database(const std::string& path, const TypeSet& set, const WriteOptions& options) {
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return text::format(N_("cannot create %s: %s"), dir.string(), ec.message());
    LockFile lock(dir, options);
    if (!lock.held()) return text::format(N_("cannot lock %s: %s"), (dir / ".tt_lock").string(), std::strerror(lock.error()));
    const std::string tmp = path + "_tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << encode(set, format_of(path));
        out.flush();
        if (!out) {
            fs::remove(tmp, ec);
            return text::format(N_("cannot write %s"), tmp);
        }
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return text::format(N_("cannot rename %s to %s: %s"), tmp, path, ec.message());
    }
    return std::nullopt;
}

}  // namespace ttbus::types
