// ttbusd's log: every line with a syslog priority. When stderr is connected to the journal (systemd
// sets $JOURNAL_STREAM to its device and inode) lines go to the journal with structured fields;
// otherwise to stderr as "ttbusd: [error: |warning: ]text".
#pragma once

#include <string>

namespace ttbus::log {

// What a line is about; each non-empty member becomes a journal field (TTBUS_MESSAGE for a
// ToolTalk message id, TTBUS_PROCID, TTBUS_PTYPE, TTBUS_UNIT) and MESSAGE_ID names the event
// for journalctl MESSAGE_ID=… and catalogs.
struct About {
    std::string message;
    std::string procid;
    std::string ptype;
    std::string unit;
    const char* message_id = nullptr;
};

// 128-bit ids of the events someone may want to find or alert on.
inline constexpr const char* ptype_start_failed = "5d1c3a7e8b2f4e0a9c6d17b34f08e2a1";

void error(const std::string& text, const About& about = {});
void warning(const std::string& text, const About& about = {});
void notice(const std::string& text, const About& about = {});
void info(const std::string& text, const About& about = {});

}  // namespace ttbus::log
