// Owning handles for sd-bus and sd-event objects.
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <memory>
#include <utility>

namespace ttbus::dbus {

struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
struct SlotUnref {
    void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
struct SourceUnref {
    void operator()(sd_event_source* s) const { sd_event_source_disable_unref(s); }
};
// A connection the broker ends itself: closed without flushing (a peer that does not read must not
// block the broker), then released.
struct BusClose {
    void operator()(sd_bus* b) const { sd_bus_close_unref(b); }
};

using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// A counted reference to a message, copyable (a method call kept for an asynchronous reply).
class MessageRef {
public:
    MessageRef() = default;
    explicit MessageRef(sd_bus_message* m) : m_(sd_bus_message_ref(m)) {}
    MessageRef(const MessageRef& o) : m_(o.m_ ? sd_bus_message_ref(o.m_) : nullptr) {}
    MessageRef(MessageRef&& o) noexcept : m_(o.m_) { o.m_ = nullptr; }
    MessageRef& operator=(MessageRef o) noexcept {
        std::swap(m_, o.m_);
        return *this;
    }
    ~MessageRef() {
        if (m_) sd_bus_message_unref(m_);
    }
    sd_bus_message* get() const { return m_; }

private:
    sd_bus_message* m_ = nullptr;
};
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotUnref>;
using SourcePtr = std::unique_ptr<sd_event_source, SourceUnref>;
using BusPtr = std::unique_ptr<sd_bus, BusClose>;

}  // namespace ttbus::dbus
