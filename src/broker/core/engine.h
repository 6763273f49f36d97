// The ToolTalk engine: sessions, procids, patterns, ptypes and the message state machine.
//
// Events come in as method calls; what must happen as a result is appended to an Effects list.
// The engine does no I/O, starts no threads and reads no clock: ids come from counters seeded by
// the host, so a run is reproducible. A call that returns an error status appends no effects
// and changes nothing.
#pragma once

#include "effect.h"
#include "object_specs.h"
#include "wire_types.h"
#include "pattern_store.h"
#include "typedb.h"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ttbus::core {

// What a client may make the engine keep (docs/dbus-api.md, Limits); over a limit the call fails
// with ERR_OVERFLOW and changes nothing. Session properties outlive their client (the default
// session never ends), so a session's properties are bounded in total too.
inline constexpr std::size_t max_prop_value_bytes = 64 * 1024;
inline constexpr std::size_t max_session_prop_bytes = 1024 * 1024;  // names and values of one session
inline constexpr std::size_t max_context_value_bytes = 64 * 1024;
inline constexpr std::size_t max_context_values = 256;  // joined to one slot of one pattern
inline constexpr std::size_t max_token_bytes = 256;

struct EngineOptions {
    std::string procid_prefix = "p";  // procid ids are prefix + counter; the host makes it unique per run
    std::string token_prefix = "t";   // start tokens likewise
};

struct OpenRequest {
    std::string session;  // must exist
    std::uint32_t uid = 0;  // the connection's credentials: stamped on every message it sends
    std::uint32_t gid = 0;
    std::string token;  // TT_TOKEN of a started process, if any
};

enum class CloseReason {
    CLOSED,  // tt_close: send-on-exit messages are cancelled
    DIED,    // the connection went away: send-on-exit messages go out
};

// Read-only views for tools (ttbusctl) and tests.
struct ProcidInfo {
    std::string id;
    std::string session;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::vector<std::string> sessions;  // joined
    std::vector<std::string> files;     // joined
    std::vector<std::string> ptypes;    // declared
    std::vector<PatternId> patterns;
    std::string default_ptype;
};

class Engine {
public:
    explicit Engine(EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Types. Patterns already generated for declared ptypes are kept (as classic ToolTalk does).
    void set_types(std::shared_ptr<const TypeDb> types);
    const TypeDb& types() const { return *types_; }
    std::shared_ptr<const TypeDb> types_snapshot() const { return types_; }
    // Object specs: with them, a TT_OBJECT message is addressed to its spec's otype (and file);
    // without (null), its sender must name the otype. `specs` outlives the engine.
    void set_specs(const SpecLookup* specs) { specs_ = specs; }

    Status session_create(const std::string& session);
    bool session_exists(const std::string& session) const;
    const std::vector<std::string>& sessions() const { return sessions_; }
    // The session's server goes away: procids opened in it die, its queue and properties are dropped.
    Status session_destroy(const std::string& session, Effects& out);

    // Session properties (tt_session_prop*): each name holds an ordered list of byte values.
    // A value over max_prop_value_bytes, or one that takes the session over max_session_prop_bytes,
    // is ERR_OVERFLOW.
    Status session_prop(const std::string& session, const std::string& name, std::vector<std::string>* ret) const;
    Status session_prop_set(const std::string& session, const std::string& name, const std::string& value, bool append);
    Status session_prop_names(const std::string& session, std::vector<std::string>* ret) const;

    Status open(const OpenRequest& request, Effects& out, std::string* ret_procid);
    Status close(const std::string& procid, CloseReason reason, Effects& out);

    Status session_join(const std::string& procid, const std::string& session, Effects& out);
    Status session_quit(const std::string& procid, const std::string& session);
    Status file_join(const std::string& procid, const std::string& file, Effects& out);
    Status file_quit(const std::string& procid, const std::string& file);

    Status ptype_declare(const std::string& procid, const std::string& ptype, Effects& out);
    Status ptype_undeclare(const std::string& procid, const std::string& ptype);
    Status ptype_exists(const std::string& ptype) const;
    Status default_ptype_set(const std::string& procid, const std::string& ptype);

    Status pattern_register(const std::string& procid, const Pattern& pattern, PatternId* ret_id);
    Status pattern_unregister(const std::string& procid, PatternId id);
    // Adds a value to the slot of every pattern of the procid that has the slot. A value over
    // max_context_value_bytes, or one more than max_context_values in a slot, is ERR_OVERFLOW.
    Status context_join(const std::string& procid, const std::string& slot, const Value& value);
    Status context_quit(const std::string& procid, const std::string& slot, const Value& value);

    Status send(const std::string& procid, const Message& message, Effects& out, std::string* ret_id);
    // The same, taking the message's contents instead of copying them; on an error status the
    // message is left as it was.
    Status send(const std::string& procid, Message&& message, Effects& out, std::string* ret_id);
    Status send_on_exit(const std::string& procid, const Message& message);

    Status reply(const std::string& procid, const std::string& message_id, const Answer& answer, Effects& out);
    Status fail(const std::string& procid, const std::string& message_id, const Answer& answer, Effects& out);
    Status reject(const std::string& procid, const std::string& message_id, Effects& out);
    Status accept(const std::string& procid, const std::string& message_id, Effects& out);
    Status abstain(const std::string& procid, const std::string& message_id, Effects& out);

    // The process started for a token exited, or could not be started at all.
    Status launch_ended(const std::string& token, Effects& out);

    // Introspection.
    std::optional<ProcidInfo> procid_info(const std::string& procid) const;
    std::vector<std::string> procids() const;
    // The requests the procid holds as their handler and has yet to answer (reply, fail or
    // reject), in id order.
    Status handling(const std::string& procid, std::vector<std::string>* ret_ids) const;
    // A copy rebuilt from the compact store, null for an unknown id. It does not follow later
    // changes, and stays valid until pattern() has been called shown_count more times.
    static constexpr std::size_t shown_count = 4;
    const Pattern* pattern(PatternId id) const;
    // The ptype whose declaration generated the pattern, "" for a registered one.
    std::string pattern_ptype(PatternId id) const;
    std::size_t live_message_count() const { return live_.size(); }
    std::size_t queued_count() const;
    // Queued messages with their queue and ptype.
    std::vector<Queued> queued() const;
    // Puts back a queued message kept across a restart (as the Queued effect described it).
    Status queue_restore(const Queued& q);

private:
    struct ProcidState;
    struct LiveMessage;
    struct Waiting;
    struct PtypeStart;
    struct Promise;

    ProcidState* find_procid(const std::string& id);
    const ProcidState* find_procid(const std::string& id) const;
    Status check_message(const Message& m) const;
    // TT_OBJECT: the spec of the message's objid gives its otype and, when it has none, its file.
    Status address_object(MessageBody& body) const;
    Status send_checked(const ProcidState& sender, Message m, Effects& out, std::string* ret_id);
    void prepare(const ProcidState& sender, Message& m);

    void set_membership(ProcidState& p, Scope kind, const std::string& value, bool join);
    PatternId add_pattern(ProcidState& owner, Pattern pattern, const std::string& ptype);

    // Dispatch.
    Status match_signatures(MessageBody& body, MessageHeader& header, std::vector<Promise>& promises) const;
    void dispatch(LiveMessage* live, MessageView view, const std::vector<Promise>& promises, Effects& out);
    void deliver_handler(LiveMessage* live, MessageView view, Effects& out);
    void deliver_observers(const MessageView& view, bool include_handlers, Effects& out);
    std::size_t deliver_votes(LiveMessage& live, Effects& out);
    void deliver_promise(const MessageView& view, const Promise& promise, Effects& out);
    std::size_t deliver_static_observers(const MessageView& view, const std::string& ptype, Effects& out);
    PatternStore::Slot find_handler(const MessageView& view, const std::vector<std::string>& tried);
    void deliver_to(const std::string& procid, LiveMessage* live, MessageView view, PatternId pattern,
                    bool start_message, Effects& out);
    void no_handler(LiveMessage* live, MessageView view, Effects& out);

    // Message state.
    void notify_sender(const LiveMessage& live, Effects& out);
    void finish(LiveMessage& live, State state, Effects& out);
    void fail_message(LiveMessage* live, Status status, Effects& out);
    Status check_holder(const std::string& procid, const std::string& message_id, bool offers) const;
    Status check_answer(const std::string& procid, const std::string& message_id, bool offers, Effects& out,
                        LiveMessage** ret);
    Status conclude(const std::string& procid, const std::string& message_id, const Answer& answer, State state,
                    Effects& out);
    void count_vote(LiveMessage& live, const std::string& procid, State vote, Effects& out);

    // Starting ptypes.
    enum class StartResult { STARTED, IMPOSSIBLE, ALREADY_TRIED };
    StartResult start(const std::string& ptype, Waiting item, Effects& out);
    void claim_launch(const std::string& ptype, const std::string& procid, Effects& out);
    void deliver_start_message(const std::string& ptype, Effects& out);
    const std::string* start_ptype_held(const std::string& procid, const std::string& message_id) const;
    bool holds_start_message(const std::string& procid, const std::string& message_id) const;
    bool answer_start_message(const std::string& procid, const std::string& message_id, Effects& out);
    void end_launch(const std::string& ptype, Effects& out);
    void redeliver_waiting(Waiting item, Effects& out);

    // Queues.
    bool enqueue(const QueueKey& key, const std::string& ptype, Waiting item, Effects& out);
    void retry_queue(const QueueKey& key, const ProcidState* only_for, Effects& out);

    EngineOptions options_;
    std::shared_ptr<const TypeDb> types_;
    const SpecLookup* specs_ = nullptr;
    std::uint64_t next_procid_ = 1;
    std::uint64_t next_token_ = 1;
    std::uint64_t next_message_ = 1;
    PatternId next_pattern_ = 1;
    std::uint64_t clock_ = 0;  // logical: orders PUSH registrations and ROTATE choices

    std::vector<std::string> sessions_;
    std::unordered_map<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>> props_;
    std::unordered_map<std::string, std::unique_ptr<ProcidState>> procids_;
    PatternStore patterns_;
    mutable std::array<Pattern, shown_count> shown_;  // what pattern() returned last
    mutable std::size_t shown_next_ = 0;
    std::unordered_map<std::string, std::unique_ptr<LiveMessage>> live_;
    std::unordered_map<std::string, std::unique_ptr<PtypeStart>> starts_;
    struct QueueEntry;
    std::vector<std::unique_ptr<QueueEntry>> queue_;
};

}  // namespace ttbus::core
