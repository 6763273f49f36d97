// The state of libtt between tt_open and the last tt_close: procids (each with its own bus
// connection, queue of deliveries and tt_fd), message and pattern handles, defaults, and the
// ptype/otype opnum callbacks. No client exists before tt_open: every call then is TT_ERR_NOMP.
#pragma once

#include "bus.h"
#include "handles.h"
#include "model.h"

#include "protocol/compact.h"

#include <Tt/tt_c.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ttc {

// A delivery or update waiting for tt_message_receive. It is applied to its handle only when
// received, so each receive shows the message as it was at that step.
struct Pending {
    Tt_message target = nullptr;  // a message sent from here; nullptr: a new message
    protocol::Message data;
    protocol::DeliveryKeys delivery;
    bool update = false;  // Updated (a state change of our request), not Delivered
    std::optional<protocol::compact::Update> changes;  // a compact update: applied to the target, not `data`
};

// What waits for tt_message_receive, in arrival order: a vector read from a moving head, emptied
// once all is read. A procid mostly holds one at a time, and a deque would allocate and free a
// node for each (a Pending fills one).
class PendingQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    Pending& front() { return items_[head_]; }
    Pending& at(std::size_t i) { return items_[head_ + i]; }  // i-th from the front
    // A new last item, filled in place (a Pending holds a whole message: moving one costs).
    Pending& add() { return items_.emplace_back(); }
    // Keeps the first n (those added after them go).
    void truncate(std::size_t n) {
        items_.resize(head_ + n);
        rewind_if_empty();
    }
    void pop_front() {
        ++head_;
        if (head_ >= 64 && 2 * head_ >= items_.size()) {  // a reader that never catches up
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
        rewind_if_empty();
    }
    template <typename F>
    void erase_if(F&& f) {
        items_.erase(std::remove_if(items_.begin() + static_cast<std::ptrdiff_t>(head_), items_.end(), f), items_.end());
        rewind_if_empty();
    }

private:
    void rewind_if_empty() {
        if (!empty()) return;
        items_.clear();
        head_ = 0;
    }

    std::vector<Pending> items_;
    std::size_t head_ = 0;
};

struct Procid {
    std::string id;
    std::string session;  // the session it was opened in
    std::unique_ptr<Connection> bus;
    PendingQueue queue;
    std::unordered_map<std::string, Tt_message> sent;  // message id -> handle, for updates
    std::string default_ptype;
    std::uint32_t link = 0;  // the compact link's version agreed (Peer1.Compact); 0: the a{sv} form
    // The process's effective ids when the procid was opened: those of its connection, which the
    // broker stamps on what it sends; a new message carries them from its creation.
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;

    bool compact() const { return link != 0; }
    // Answers go one-way (api_message.cpp).
    bool one_way_answers() const { return link >= protocol::compact::one_way_answers_link_version; }
    // Send, Reply and Fail go packed (Peer1.SendPacked, ReplyPacked, FailPacked).
    bool packed_calls() const { return link >= protocol::compact::packed_calls_link_version; }

    // Calls the broker for this procid; the first argument (the procid) is added here. On a
    // compact connection Send, SendOnExit, Reply and Fail are Peer1's compact forms; where the
    // packed form of the method is used, `packed` builds its one part (procid included) instead.
    Tt_status call(const char* member, const Connection::Build& more = {}, Reply* reply = nullptr,
                   const Connection::Build& packed = {});
    // The same, one-way (Connection::post).
    Tt_status post(const char* member, const Connection::Build& more, const Connection::Build& packed = {});
    // Keeps tt_fd readable exactly while the queue is not empty.
    void sync_fd() { bus->set_ready(!queue.empty()); }
    void on_signal(sd_bus_message* m);
    // What the broker sent goes on the handle of the message this process sent, if it is one
    // (classic behaviour); null otherwise.
    Tt_message sent_handle(const Pending& p) const;
};

using CallbackKey = std::pair<std::string, int>;  // (ptype or otype, opnum)

struct Client {
    std::vector<std::unique_ptr<Procid>> procids;
    Procid* current = nullptr;  // the default procid
    std::string default_session;
    std::string initial_session;
    std::string default_file;
    HandleTable<Message, Tt_message> messages;
    HandleTable<Pattern, Tt_pattern> patterns;
    std::unordered_map<std::uint64_t, Tt_pattern> registered;  // broker pattern id -> its handle
    std::map<CallbackKey, std::vector<Tt_message_callback>> ptype_callbacks;
    std::map<CallbackKey, std::vector<Tt_message_callback>> otype_callbacks;
    Tt_message unvoted_offer = nullptr;  // an offer returned by the last receive, not yet voted on

    Procid* find_procid(const std::string& id) const;
    Tt_message add_message(std::unique_ptr<Message> m);
    // Forgets a message handle and anything still queued for it.
    void remove_message(Tt_message h);
    Tt_pattern pattern_by_id(std::uint64_t id) const;
};

// The client, or nullptr before tt_open / after the last tt_close.
Client* client();
// tt_default_session_set before tt_open: the session the next tt_open joins.
void preset_session(const std::string& session);
// Opens a new procid and makes it the default (tt_open). Returns the status.
Tt_status open_procid();
// Closes the default procid; the last close tears the whole client down (tt_close).
Tt_status close_procid();

// Audits shared by every entry point.
Tt_status need_open();
Tt_status need_message(Tt_message h, Message** out);
Tt_status need_pattern(Tt_pattern h, Pattern** out);
// A string argument: NULL gives if_null, an error pointer TT_ERR_POINTER.
Tt_status need_string(const char* s, Tt_status if_null);

// A message id unique among this process's live messages: "<n> <procid>", as classic libtt made them.
std::string new_message_id(const std::string& procid);

}  // namespace ttc
