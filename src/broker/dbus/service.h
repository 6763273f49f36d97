// The D-Bus face of the broker: org.ttbus.Broker1, Procid1 and Monitor1 on /org/ttbus/Broker1.
// Calls are decoded, checked for ownership and limits, and turned into engine events; the
// engine's effects are carried out here (unicast signals, monitor events, launches).
#pragma once

#include "broker1_adaptor.h"
#include "connections.h"
#include "wire.h"

#include "core/engine.h"
#include "launch/launcher.h"
#include "store/queue_store.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>

namespace ttbus::dbus {

struct ServiceOptions {
    std::string session_prefix;  // session ids are prefix + counter; the default session is prefix + "0"
    std::uint32_t broker_uid = 0;
    bool systemd = false;  // a user manager is on the bus: start ptypes as systemd user units
    std::string queue_store;  // SQLite file keeping queued messages across restarts; "" for none
    std::string version;
    // Loads the type database; returns the types and a log of problems (empty when none).
    std::function<std::shared_ptr<const core::TypeDb>(std::string& problems)> load_types;
    // Merges a compiled types.xdr image into the current types; returns "" or an error text.
    std::function<std::string(const std::string& xdr, std::shared_ptr<const core::TypeDb>& types)> merge_xdr;
};

class Service final
    : public sdbus::AdaptorInterfaces<org::ttbus::Broker1_adaptor, org::ttbus::Procid1_adaptor,
                                      org::ttbus::Monitor1_adaptor> {
public:
    Service(sdbus::IConnection& bus, ServiceOptions options);
    ~Service();

    // Re-reads the type database (SIGUSR2, a type file changed, ReloadTypes).
    std::pair<std::uint32_t, std::uint32_t> reload_types();
    // Call on SIGCHLD.
    void reap_children();
    const std::string& default_session() const { return default_session_; }

private:
    // org.ttbus.Broker1
    void Open(sdbus::Result<std::string, std::string>&& result, Dict options) override;
    void Close(const std::string& procid) override;
    std::string DefaultSession() override;
    std::string CreateSession() override;
    std::vector<std::string> Sessions() override;
    std::vector<std::vector<std::uint8_t>> SessionProperty(const std::string& session, const std::string& name) override;
    void SetSessionProperty(const std::string& session, const std::string& name, const std::vector<std::uint8_t>& value,
                            const std::uint32_t& mode) override;
    std::vector<std::string> SessionPropertyNames(const std::string& session) override;
    std::tuple<std::uint32_t, std::uint32_t> ReloadTypes() override;
    void LoadTypes(const std::vector<std::uint8_t>& xdr) override;
    void PtypeExists(const std::string& ptype) override;
    std::vector<std::string> Ptypes() override;
    Dict Otype(const std::string& otype) override;
    Dict ProcidInfo(const std::string& procid) override;
    Dict Status() override;
    std::vector<Dict> Procids() override;
    std::vector<Dict> Patterns() override;
    std::vector<Dict> Queue() override;
    std::vector<Dict> Launches() override;
    void Call(sdbus::Result<Dict>&& result, Dict message) override;
    void Notify(sdbus::Result<std::string>&& result, Dict message) override;

    // org.ttbus.Procid1
    void SessionJoin(const std::string& procid, const std::string& session) override;
    void SessionQuit(const std::string& procid, const std::string& session) override;
    void FileJoin(const std::string& procid, const std::string& file) override;
    void FileQuit(const std::string& procid, const std::string& file) override;
    void PtypeDeclare(const std::string& procid, const std::string& ptype) override;
    void PtypeUndeclare(const std::string& procid, const std::string& ptype) override;
    void DefaultPtypeSet(const std::string& procid, const std::string& ptype) override;
    std::uint64_t PatternRegister(const std::string& procid, const Dict& pattern) override;
    void PatternUnregister(const std::string& procid, const std::uint64_t& id) override;
    void ContextJoin(const std::string& procid, const std::string& slot, const WireValue& value) override;
    void ContextQuit(const std::string& procid, const std::string& slot, const WireValue& value) override;
    std::string Send(const std::string& procid, const Dict& message) override;
    void SendOnExit(const std::string& procid, const Dict& message) override;
    void Reply(const std::string& procid, const std::string& id, const Dict& answer) override;
    void Fail(const std::string& procid, const std::string& id, const Dict& answer) override;
    void Reject(const std::string& procid, const std::string& id) override;
    void Accept(const std::string& procid, const std::string& id) override;
    void Abstain(const std::string& procid, const std::string& id) override;

    // org.ttbus.Monitor1
    void Subscribe(sdbus::Result<>&& result, Dict filter) override;
    void Unsubscribe() override;

    std::string caller() const;
    // The procid must exist and belong to the caller.
    void own(const std::string& procid) const;
    static void check(core::Status s, const std::string& what);
    template <typename F>
    auto guarded(F&& f) -> decltype(f());

    // Runs `then` once the caller's credentials are known (asked of the bus once per connection).
    void with_credentials(const std::string& sender, std::function<void(const Connection*, const sdbus::Error*)> then);
    std::string open_procid(const std::string& sender, const Connection& conn, const std::string& session,
                            const std::string& token);
    std::string send_checked(const std::string& procid, core::Message m,
                             const std::function<void(const std::string&)>& before_effects);
    std::string one_call(const std::string& sender, const Connection& conn, const Dict& message, core::Class cls,
                         const std::function<void(const std::string&)>& before_effects);

    void apply(core::Effects& fx);
    void monitor_event(const std::string& kind, const core::MessageView* message, const std::string& procid,
                       Dict extra);
    void connection_gone(const std::string& name);
    void launch_ended(const std::string& token, const std::string& reason);

    sdbus::IConnection& bus_;
    ServiceOptions options_;
    core::Engine engine_;
    Connections connections_;
    std::unique_ptr<launch::Launcher> launcher_;
    std::unique_ptr<store::QueueStore> store_;
    std::unique_ptr<sdbus::IProxy> driver_;
    sdbus::Slot owner_changes_;
    std::string default_session_;
    std::uint64_t next_session_ = 1;
};

}  // namespace ttbus::dbus
