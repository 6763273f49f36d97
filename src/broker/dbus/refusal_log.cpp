#include "refusal_log.h"

#include "log.h"

namespace ttbus::dbus {

void RefusalLog::refused(const std::string& why) {
    if (timer_ && sd_event_source_get_enabled(timer_.get(), nullptr) > 0) {
        ++counted_;
        last_ = why;
        return;
    }
    log::warning(why);
    if (!timer_) {
        sd_event_source* source = nullptr;
        if (sd_event_add_time_relative(event_, &source, CLOCK_MONOTONIC, interval_usec_, 0, on_interval_end, this) < 0) {
            return;  // no timer: every refusal is told
        }
        timer_.reset(source);
        return;
    }
    sd_event_source_set_time_relative(timer_.get(), interval_usec_);
    sd_event_source_set_enabled(timer_.get(), SD_EVENT_ONESHOT);
}

// The interval is over: what it counted is told, and a new interval starts only when there was
// something to tell (at rest no timer runs).
int RefusalLog::on_interval_end(sd_event_source* source, std::uint64_t, void* userdata) {
    auto* self = static_cast<RefusalLog*>(userdata);
    if (self->counted_ == 0) return 0;
    log::warning(std::to_string(self->counted_) + " more peer connections refused or closed in the last " +
                 std::to_string(self->interval_usec_ / 1000000) + " s; the latest: " + self->last_);
    self->counted_ = 0;
    sd_event_source_set_time_relative(source, self->interval_usec_);
    sd_event_source_set_enabled(source, SD_EVENT_ONESHOT);
    return 0;
}

}  // namespace ttbus::dbus
