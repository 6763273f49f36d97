// File names as they travel (tt_file_join, message and pattern files): absolute real paths, so
// two processes name a file alike whatever their working directory or the links they used.
#pragma once

#include <string>

namespace ttc {

// The real path when the file exists; otherwise the absolute path with "." and ".." resolved
// lexically (a file that does not exist yet still gets a stable name).
std::string canonical_path(const char* path);

}  // namespace ttc
