// The bridge's procid at ttbusd: one connection, one procid in the default session. Setting up
// (open, declare, register, join) happens once at start and is synchronous; answers to delivered
// messages are asynchronous calls, so the event loop never waits for the broker while serving.
#pragma once

#include "tt_message.h"

#include "broker_proxies.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ttbus::bridge {

class BrokerLink {
public:
    using DeliveredHandler = std::function<void(const TtMessage&)>;

    BrokerLink(sdbus::IConnection& connection, DeliveredHandler on_delivered);
    ~BrokerLink();
    BrokerLink(const BrokerLink&) = delete;
    BrokerLink& operator=(const BrokerLink&) = delete;

    // Set-up calls; they throw sdbus::Error (org.ttbus.Error.*) on failure.
    void open();
    bool ptype_exists(const std::string& ptype);
    void declare_ptype(const std::string& ptype);
    std::uint64_t register_pattern(const Dict& pattern);
    void join_session();  // after declaring and registering: the join adds the session to them

    const std::string& procid() const { return procid_; }
    const std::string& session() const { return session_; }

    // Answers; a failure (the request went away meanwhile, the broker left) is logged.
    void reply(const std::string& id, const std::vector<WireArg>& args);
    void fail(const std::string& id, std::int32_t status, const std::string& text);
    void reject(const std::string& id);
    void abstain(const std::string& id);

private:
    void answer(const char* method, const std::string& id, const Dict* body);

    std::string procid_;
    std::string session_;
    std::unique_ptr<client::ProcidProxy> proxy_;  // after procid_: its signal handler reads it
};

}  // namespace ttbus::bridge
