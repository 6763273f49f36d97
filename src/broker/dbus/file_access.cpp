#include "file_access.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace ttbus::dbus {

std::string canonical_file(const std::string& path) {
    if (path.empty() || path[0] != '/') return {};
    std::error_code ec;
    std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
    if (ec) p = std::filesystem::path(path).lexically_normal();
    std::string out = p.string();
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

protocol::Status file_access(const std::string& canonical, FileAccess want, const FileUser& who) {
    std::filesystem::path p(canonical);
    struct stat st{};
    while (stat(p.c_str(), &st) != 0) {
        if (!p.has_relative_path()) return protocol::Status::ERR_PATH;
        p = p.parent_path();
    }
    if (who.uid == 0) return protocol::Status::OK;
    const bool read = want == FileAccess::READ;
    mode_t bit;
    if (st.st_uid == who.uid) {
        bit = read ? S_IRUSR : S_IWUSR;
    } else if (st.st_gid == who.gid || (who.groups != nullptr && std::find(who.groups->begin(), who.groups->end(),
                                                                             st.st_gid) != who.groups->end())) {
        bit = read ? S_IRGRP : S_IWGRP;
    } else {
        bit = read ? S_IROTH : S_IWOTH;
    }
    return (st.st_mode & bit) != 0 ? protocol::Status::OK : protocol::Status::ERR_ACCESS;
}

}  // namespace ttbus::dbus
