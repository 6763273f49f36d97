#include "log.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace ttbus::log {

namespace {

// As systemd documents for $JOURNAL_STREAM: stderr is the journal's stream when its device and
// inode are the ones named there (a redirected stderr keeps the variable but not the inode).
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    struct stat st {};
    if (stream == nullptr || fstat(STDERR_FILENO, &st) != 0) return false;
    unsigned long long device = 0, inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
    return device == st.st_dev && inode == st.st_ino;
}

void to_journal(int priority, const std::string& text, const About& about) {
    std::vector<std::string> fields{"MESSAGE=" + text, "PRIORITY=" + std::to_string(priority),
                                    "SYSLOG_IDENTIFIER=ttbusd"};
    const std::pair<const char*, const std::string*> named[] = {
        {"TTBUS_MESSAGE=", &about.message},
        {"TTBUS_PROCID=", &about.procid},
        {"TTBUS_PTYPE=", &about.ptype},
        {"TTBUS_UNIT=", &about.unit},
    };
    for (const auto& [name, value] : named) {
        if (!value->empty()) fields.push_back(name + *value);
    }
    if (about.message_id != nullptr) fields.push_back(std::string("MESSAGE_ID=") + about.message_id);
    std::vector<iovec> iov;
    for (auto& f : fields) iov.push_back(iovec{f.data(), f.size()});
    // The journal keeps what it can; a line it refuses has nowhere better to go than stderr.
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) {
        std::fprintf(stderr, "ttbusd: %s\n", text.c_str());
    }
}

void write(int priority, const std::string& text, const About& about) {
    static const bool journal = stderr_is_journal();
    if (journal) return to_journal(priority, text, about);
    const char* label = priority <= LOG_ERR ? "error: " : priority == LOG_WARNING ? "warning: " : "";
    std::fprintf(stderr, "ttbusd: %s%s\n", label, text.c_str());
}

}  // namespace

void error(const std::string& text, const About& about) { write(LOG_ERR, text, about); }
void warning(const std::string& text, const About& about) { write(LOG_WARNING, text, about); }
void notice(const std::string& text, const About& about) { write(LOG_NOTICE, text, about); }
void info(const std::string& text, const About& about) { write(LOG_INFO, text, about); }

}  // namespace ttbus::log
