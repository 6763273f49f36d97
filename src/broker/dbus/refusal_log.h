// The log of connections the broker refuses or closes, at most one line per interval: the first
// refusal is told at once, later ones in the same interval are counted and told in one line at its
// end. A client that opens connections without end cannot fill the log.
#pragma once

#include "handles.h"

#include <cstdint>
#include <string>

namespace ttbus::dbus {

class RefusalLog {
public:
    RefusalLog(sd_event* event, std::uint64_t interval_usec) : event_(event), interval_usec_(interval_usec) {}
    void refused(const std::string& why);

private:
    static int on_interval_end(sd_event_source* source, std::uint64_t usec, void* userdata);

    sd_event* event_;
    std::uint64_t interval_usec_;
    SourcePtr timer_;           // on while an interval runs
    std::uint64_t counted_ = 0;  // refusals in this interval not told yet
    std::string last_;           // the latest of them
};

}  // namespace ttbus::dbus
