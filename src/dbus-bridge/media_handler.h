// Desktop applications as handlers of media requests (Display, Edit, … of facts §2.5). The bridge
// registers one handle pattern per configured op naming only the op, so it is the least specific
// handler there can be for that op (docs/dbus-bridge.md "Who gets a media request"): a ToolTalk
// handler that is running wins, and when the message matched a ptype's signature (a handler that
// can be started or queued for) the bridge rejects it so ToolTalk starts or queues as usual.
// What is left — a request that names a file, with no contents of its own, of a configured media
// type — is opened with the default application for the file's content type.
#pragma once

#include "app_launch.h"
#include "bridge_config.h"
#include "broker_link.h"
#include "tt_message.h"

namespace ttbus::bridge {

class MediaHandler {
public:
    MediaHandler(BrokerLink& broker, AppLauncher& launcher, const BridgeConfig& config)
        : broker_(broker), launcher_(launcher), config_(config) {}

    // The patterns: one per configured op, in every session-bearing scope a pattern can match
    // without joining the file.
    std::vector<protocol::Pattern> patterns() const;

    void handle(const TtMessage& message);

private:
    struct Lookup;
    static void content_type_known(GObject* source, GAsyncResult* result, gpointer data);
    // Why the bridge steps aside, or "" when it serves the request.
    std::string reason_to_pass(const TtMessage& message) const;

    BrokerLink& broker_;
    AppLauncher& launcher_;
    const BridgeConfig& config_;
};

}  // namespace ttbus::bridge
