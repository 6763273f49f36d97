#include "file_contents.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace ttbus {

std::optional<std::string> file_contents(const std::string& path, int* ret_errno) {
    const bool standard_input = path == "-";
    const int fd = standard_input ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    std::string out;
    int error = fd < 0 ? errno : 0;
    for (char buf[65536]; error == 0;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            error = errno;
        }
    }
    if (fd >= 0 && !standard_input) ::close(fd);
    if (error == 0) return out;
    if (ret_errno != nullptr) *ret_errno = error;
    return std::nullopt;
}

}  // namespace ttbus
