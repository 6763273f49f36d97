// A whole file read into memory with plain POSIX calls. The broker reads its type files at every
// start and reload; iostreams would set up libstdc++'s locale machinery for it, which then stays
// resident for the broker's life.
#pragma once

#include <optional>
#include <string>

namespace ttbus {

// The contents of `path` ("-": standard input); nullopt with *ret_errno set (ENOENT when it does
// not exist) when it cannot be read.
std::optional<std::string> file_contents(const std::string& path, int* ret_errno = nullptr);

}  // namespace ttbus
