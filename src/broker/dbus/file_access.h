// Who may read or change the specs of a file: the file's own permission bits, judged for the
// caller's uid and groups (never the broker's own: it may run as root). A file that does not exist
// (not yet, or no more) is judged by the nearest directory above it that does. The superuser may
// do everything, as with the files themselves.
#pragma once

#include "protocol/enums.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ttbus::dbus {

struct FileUser {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    const std::vector<std::uint32_t>* groups = nullptr;
};

enum class FileAccess { READ, WRITE };

// The key of a file's specs: its real path, or (not there) the real path of what exists above it
// with the rest resolved lexically; "" when `path` is not absolute.
std::string canonical_file(const std::string& path);

// OK or ERR_ACCESS; ERR_PATH when nothing of the path exists.
protocol::Status file_access(const std::string& canonical, FileAccess want, const FileUser& who);

}  // namespace ttbus::dbus
