// What the engine asks its host to do. The engine decides; the host (the D-Bus broker, a test,
// the demo) carries the effects out in the order given.
#pragma once

#include "wire_types.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ttbus::core {

enum class DeliveryKind {
    HANDLE,   // the procid is the message's handler (or the addressed TT_HANDLER procid)
    OBSERVE,  // a copy for an observer; no answer expected
    VOTE,     // an offer: the procid must accept, reject or abstain
};

// Put a message on a procid's queue.
struct Delivery {
    std::string procid;
    MessageView message;
    PatternId pattern = 0;  // the registered pattern that matched, 0 if none
    DeliveryKind kind = DeliveryKind::HANDLE;
    bool start_message = false;  // this procid was started for this message (status TT_WRN_START_MESSAGE)
};

// Tell a sender that its request or offer changed state (STARTED, QUEUED, HANDLED, FAILED, RETURNED).
struct Update {
    std::string procid;
    MessageView message;
};

// Start an instance of a ptype. The host runs `command` with /bin/sh -c (or starts `unit`) with
// `environment` added, and reports the end of the process with Engine::launch_ended(token).
struct StartPtype {
    std::string token;
    std::string ptype;
    std::string command;
    std::string unit;
    std::string session;
    std::vector<std::pair<std::string, std::string>> environment;
};

// A message waits in a queue for a ptype (persist it) / left the queue (forget it).
struct QueueKey {
    Scope scope = Scope::SESSION;  // SESSION: a session queue; FILE: a file queue
    std::string name;
    bool operator==(const QueueKey&) const = default;
};
struct Queued {
    QueueKey queue;
    std::string ptype;
    MessageView message;
    bool observer_copy = false;  // an observe promise's copy, not the message itself
};
struct Dequeued {
    QueueKey queue;
    std::string ptype;
    std::string message_id;
};

// Messages the engine let go of at a bound (Limits) with nobody left to tell: the host logs it,
// so that nothing is lost silently. Requests and offers among them were failed with ERR_OVERFLOW
// (their observers saw that); notices were not delivered.
enum class DropCause {
    ORPHANED,    // the client is gone and the orphan budget is full: its newest messages went
    QUEUE_FULL,  // a message of a gone sender (or a notice) found the queues full
    WAITING_FULL,  // a notice or observer copy found its client's (or all) waiting behind launches full
};
struct Dropped {
    std::string client;
    std::size_t count = 0;
    DropCause cause = DropCause::ORPHANED;
};

using Effect = std::variant<Delivery, Update, StartPtype, Queued, Dequeued, Dropped>;
using Effects = std::vector<Effect>;

}  // namespace ttbus::core
