#include "paths.h"

#include <climits>
#include <cstdlib>
#include <filesystem>

namespace ttc {

std::string canonical_path(const char* path) {
    if (char* real = realpath(path, nullptr)) {
        std::string out = real;
        std::free(real);
        return out;
    }
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(path, ec);
    if (ec) abs = path;
    return abs.lexically_normal().string();
}

}  // namespace ttc
