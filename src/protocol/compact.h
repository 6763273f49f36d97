// The compact form of messages, deliveries, updates and answers on the peer link between libtt
// and ttbusd (docs/dbus-api.md "Peer link encoding"), negotiated by Peer1.Compact. Each part is
// one `ay`: a version byte, then fields in a fixed order, little-endian, every string and list
// length-prefixed. sd-bus appends and reads such a part as one array (a read does not copy it), so
// the broker and libtt pay no dict-entry and variant per field; and a body is serialised once
// however many observers it goes to.
//
// A reader refuses what the a{sv} reader (wire.h) refuses, with the same statuses: malformed data
// (a length past the end, trailing bytes, another version, a boolean not 0 or 1, a string that is
// not UTF-8 or holds a NUL, which sd-bus could not write again as a{sv}) is TT_ERR_INVALID; an
// enum out of range is the enum's error; more than max_args args or more than max_message_bytes
// of strings and values is TT_ERR_OVERFLOW; a relative file is TT_ERR_PATH. Fields the writing
// party does not set (the "out" keys from a client, "super" from the broker) travel as their
// defaults and are read as their defaults, as the a{sv} reader skips them.
#pragma once

#include "errors.h"
#include "message.h"
#include "wire.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::protocol::compact {

// The version byte every part starts with.
inline constexpr std::uint8_t version = 1;
// The highest version Peer1.Compact agrees on: 1 the parts below; 2 also DeliveredBatch, several
// deliveries to one procid in one signal; 3 also the handler's answers sent one-way by libtt (it
// finds locally the statuses the broker would give; docs/dbus-api.md); 4 also the broker's batches
// and updates packed, the procid inside their one part (DeliveredPacked, UpdatedPacked), and
// libtt's sends and answers (SendPacked, ReplyPacked, FailPacked; an answer's message id inside
// too): a D-Bus string less to write and to read for each, a few percent of a round trip. A party
// of version 1 never gets a batch; libtt on a link below 3 waits for each answer's reply.
inline constexpr std::uint32_t link_version = 4;
inline constexpr std::uint32_t batch_link_version = 2;
inline constexpr std::uint32_t one_way_answers_link_version = 3;
inline constexpr std::uint32_t packed_signals_link_version = 4;
inline constexpr std::uint32_t packed_calls_link_version = 4;

// What an Updated carries: the message's id, its header, the fields the broker stamps on the body
// when it is sent (sender, sender_ptype, session, otype and file of an object's spec, uid, gid),
// and the values of its OUT and INOUT args (an answer may have changed them). The rest of a body
// never changes once sent: the sender holds it already.
struct Update {
    std::string id;
    MessageHeader header;
    std::string sender;
    std::string sender_ptype;
    std::string session;
    std::string otype;
    std::string file;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::vector<Value> values;  // one per OUT or INOUT arg, in the args' order
    bool operator==(const Update&) const = default;
};

// Applies an update to the message its sender holds (the one it sent, or as last updated):
// the header and stamped fields replaced, the OUT/INOUT values set in order, the contexts put in
// the order the broker keeps them. False when the values do not fit the args (the program changed
// them since it sent the message): they are left as they are, the rest is applied.
bool apply(const Update& u, Message& m);

// ---------------------------------------------------------------------------------------------
// Writing: each appends one part to `out`.

// A message as a sender sends it (Peer1.SendCompact, SendOnExitCompact): body then header, so
// that the id and class are known when a later field is refused (a one-way Send's failure is
// told to its sender by the id).
void append_message(std::string& out, const MessageBody& b, const MessageHeader& h, Party by);
// A body alone (Peer1.DeliveredCompact's second part), as the broker writes it.
void append_body(std::string& out, const MessageBody& b);
// How a message is delivered, and its header (Peer1.DeliveredCompact's first part). `cls` is the
// message's class: the votes travel only with an offer, as in the a{sv} form.
void append_delivery(std::string& out, const DeliveryKeys& d, const MessageHeader& h, Class cls);
// Peer1.UpdatedCompact's part: the update of a message as the broker holds it.
void append_update(std::string& out, const MessageBody& b, const MessageHeader& h);
// A handler's answer (Peer1.ReplyCompact, FailCompact): the values of the args, status and its string.
void append_answer(std::string& out, const std::vector<Arg>& args, std::int32_t status,
                   const std::string& status_string);
// Peer1.DeliveredBatch's part: deliveries to one procid in the order they were made, each the two
// parts of a DeliveredCompact. `out` starts empty; each call adds one delivery.
void append_to_batch(std::string& out, std::string_view delivery, std::string_view body);

// ---------------------------------------------------------------------------------------------
// Reading: each reads one whole part, or throws Failure.

void read_message(std::string_view part, Message& out, Party from);
void read_body(std::string_view part, MessageBody& out);
// The header's votes are read whatever the class; a broker writes them only for offers.
void read_delivery(std::string_view part, DeliveryKeys& delivery, MessageHeader& header);
void read_update(std::string_view part, Update& out);
void read_answer(std::string_view part, Answer& out);

// A batch's deliveries, each as the two parts of a DeliveredCompact (views into `part`), unread.
struct BatchEntry {
    std::string_view delivery;
    std::string_view body;
};
std::vector<BatchEntry> batch_entries(std::string_view part);
// A batch's deliveries read whole: all of them, or a Failure for the first one refused.
struct Delivered {
    DeliveryKeys delivery;
    Message message;
    bool operator==(const Delivered&) const = default;
};
std::vector<Delivered> read_batch(std::string_view part);

// A packed signal's one part (Peer1.DeliveredPacked, UpdatedPacked): the procid (u32 length, then
// its bytes), then whole the part the signal's unpacked form carries after the procid (a batch, an
// update). The head is what comes before that part. A packed call's (SendPacked; ReplyPacked and
// FailPacked) is the same with a message (an answer) part, an answer's message id as a second head.
std::string packed_head(std::string_view procid);
// The same head appended to `out` (a writer that builds the whole part in one buffer).
void append_packed_head(std::string& out, std::string_view procid);
struct Packed {
    std::string_view procid;
    std::string_view part;  // unread
};
// Views into `packed`; a length past the end or a procid that is no bus string is TT_ERR_INVALID.
Packed unpack(std::string_view packed);
// A packed answer's heads (ReplyPacked, FailPacked), appended to `out`: the procid's, then the
// message id's.
void append_packed_answer_head(std::string& out, std::string_view procid, std::string_view id);
struct PackedAnswer {
    std::string_view procid;
    std::string_view id;
    std::string_view part;  // the answer, unread
};
PackedAnswer unpack_answer(std::string_view packed);

// Whether sd-bus takes `s` as a string ('s'): valid UTF-8 with no NUL, no surrogate, no
// noncharacter and no overlong form.
bool is_bus_string(std::string_view s);

}  // namespace ttbus::protocol::compact
