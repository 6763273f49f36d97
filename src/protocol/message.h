// A ToolTalk message as the engine sees it.
//
// A message is split in two: a body that never changes once sent (op, args, contexts, the
// addressing fields) shared by every copy, and a small header (state, status, handler, …) that
// each delivery snapshots. Observers therefore cost one header each, not one message each.
#pragma once

#include "enums.h"
#include "value.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::protocol {

struct Arg {
    Mode mode = Mode::IN;
    std::string vtype;
    Value value;
    bool operator==(const Arg&) const = default;
};

struct Context {
    std::string slot;
    Value value;
    bool operator==(const Context&) const = default;
};

// The fields a sender fills in, plus the ones the engine stamps.
struct MessageBody {
    std::string id;  // unique among live messages; the engine makes one when empty
    Class cls = Class::UNDEFINED;
    Address address = Address::LAST;  // classic default: unset, send fails with TT_ERR_ADDRESS
    std::string op;
    std::vector<Arg> args;
    std::vector<Context> contexts;  // sorted by slot, one value per slot
    std::string file;
    std::string object;
    std::string otype;
    std::string session;  // empty: the sender's default session
    std::string sender;   // the sending procid (set by the engine)
    std::string sender_ptype;
    std::uint32_t uid = 0;  // from the sender's credentials, never from the client
    std::uint32_t gid = 0;
    bool super = false;  // tt_message_create_super: address the parent otype's implementation
    bool operator==(const MessageBody&) const = default;
};

struct MessageHeader {
    State state = State::CREATED;
    Scope scope = Scope::NONE;
    Disposition disposition = Disposition::DISCARD;
    std::int32_t opnum = -1;
    std::string handler;
    std::string handler_ptype;
    std::int32_t status = 0;  // any int: applications use their own codes
    std::string status_string;
    // Votes on an offer, filled when it is returned to its sender.
    std::vector<std::string> accepters;
    std::vector<std::string> rejecters;
    std::vector<std::string> abstainers;
    bool operator==(const MessageHeader&) const = default;
};

// What a client hands to send(): every field, before the engine owns it.
struct Message {
    MessageBody body;
    MessageHeader header;
    bool operator==(const Message&) const = default;
};

// A message as delivered or updated: a shared body and a header of its own.
struct MessageView {
    std::shared_ptr<const MessageBody> body;
    MessageHeader header;
    const MessageBody& operator*() const { return *body; }
    const MessageBody* operator->() const { return body.get(); }
};

// A handler's answer to a request (Procid1.Reply, Procid1.Fail): the values of the args (only
// OUT/INOUT ones are taken), its status and status string.
struct Answer {
    std::vector<Value> args;  // empty: leave the args as they are
    std::int32_t status = 0;
    std::string status_string;
    bool operator==(const Answer&) const = default;
};

// Puts contexts in slot order, keeping the last value given for a slot.
void normalize_contexts(std::vector<Context>& contexts);
const Context* find_context(const std::vector<Context>& contexts, std::string_view slot);

}  // namespace ttbus::protocol
