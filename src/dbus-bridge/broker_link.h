// The bridge's procid at ttbusd: one sd-bus connection, one procid in the default session.
// Messages are read and written by the protocol's reader and writer (src/protocol/wire.h). Setting
// up (open, declare, register, join) happens once at start and is synchronous; answers to
// delivered messages are asynchronous calls, so the event loop never waits for the broker while
// serving.
#pragma once

#include "tt_message.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ttbus::bridge {

// A set-up call the broker refused or that did not reach it: "<error name>: <message>".
class BrokerError : public std::runtime_error {
public:
    BrokerError(const std::string& name, const std::string& message)
        : std::runtime_error(name + ": " + message), name_(name) {}
    const std::string& name() const { return name_; }

private:
    std::string name_;
};

class BrokerLink {
public:
    using DeliveredHandler = std::function<void(const TtMessage&)>;

    BrokerLink(sd_bus* bus, DeliveredHandler on_delivered);
    ~BrokerLink();
    BrokerLink(const BrokerLink&) = delete;
    BrokerLink& operator=(const BrokerLink&) = delete;

    // Set-up calls; they throw BrokerError (org.ttbus.Error.*) on failure.
    void open();
    bool ptype_exists(const std::string& ptype);
    void declare_ptype(const std::string& ptype);
    std::uint64_t register_pattern(const protocol::Pattern& pattern);
    void join_session();  // after declaring and registering: the join adds the session to them

    const std::string& procid() const { return procid_; }
    const std::string& session() const { return session_; }

    // Answers; a failure (the request went away meanwhile, the broker left) is logged.
    void reply(const std::string& id, const std::vector<protocol::Arg>& args);
    void fail(const std::string& id, std::int32_t status, const std::string& text);
    void reject(const std::string& id);
    void abstain(const std::string& id);

private:
    static int on_signal(sd_bus_message* m, void* self, sd_bus_error*);
    using Build = std::function<void(protocol::Writer&)>;
    // A call of `method` on `interface`; `build` appends the arguments. Throws BrokerError.
    sd_bus_message* call(const char* interface, const char* method, const Build& build);
    void answer(const char* method, const std::string& id, const Build& body);

    sd_bus* bus_;
    DeliveredHandler on_delivered_;
    std::string procid_;
    std::string session_;
    sd_bus_slot* match_ = nullptr;
};

}  // namespace ttbus::bridge
