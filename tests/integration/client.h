// A test client of ttbusd: its own connection to the test's bus, plain method calls with a{sv}
// arguments, and the unicast signals it receives, kept in order.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <poll.h>
#include <string>
#include <vector>

namespace ttbus::test {

using Dict = std::map<std::string, sdbus::Variant>;
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;

inline constexpr const char* broker_name = "org.ttbus.Broker1";
inline constexpr const char* broker_path = "/org/ttbus/Broker1";
inline constexpr const char* broker_iface = "org.ttbus.Broker1";
inline constexpr const char* procid_iface = "org.ttbus.Procid1";
inline constexpr const char* monitor_iface = "org.ttbus.Monitor1";

struct Signal {
    std::string member;  // Delivered, Updated, Event
    std::string first;   // the procid, or the monitor event kind
    Dict message;
};

inline WireArg int_arg(std::int32_t mode, std::int32_t v) { return {mode, "int", 1u, v, {}}; }
inline WireArg bytes_arg(std::int32_t mode, const std::string& vtype, const std::string& v) {
    return {mode, vtype, 2u, 0, std::vector<std::uint8_t>(v.begin(), v.end())};
}
inline WireArg unset_arg(std::int32_t mode, const std::string& vtype) { return {mode, vtype, 0u, 0, {}}; }
inline std::string bytes_of(const WireArg& a) { return std::string(a.get<4>().begin(), a.get<4>().end()); }

class Client {
public:
    Client() : conn_(sdbus::createSessionBusConnection()), proxy_(sdbus::createProxy(*conn_, broker_name, broker_path)) {
        for (const char* iface : {procid_iface, monitor_iface}) {
            slots_.push_back(conn_->addMatch(std::string("type='signal',sender='") + broker_name + "',interface='" +
                                                 iface + "',path='" + broker_path + "'",
                                             [this](sdbus::Message& m) {
                                                 Signal s{m.getMemberName(), {}, {}};
                                                 m >> s.first >> s.message;
                                                 signals_.push_back(std::move(s));
                                             }));
        }
    }

    sdbus::IProxy& proxy() { return *proxy_; }
    std::string name() const { return conn_->getUniqueName(); }

    std::string open(const Dict& options = {}) {
        std::string procid, session;
        proxy_->callMethod("Open").onInterface(broker_iface).withArguments(options).storeResultsTo(procid, session);
        return procid;
    }
    template <typename... A>
    void procid_call(const std::string& method, const A&... args) {
        proxy_->callMethod(method).onInterface(procid_iface).withArguments(args...);
    }
    std::uint64_t register_pattern(const std::string& procid, const Dict& pattern) {
        std::uint64_t id = 0;
        proxy_->callMethod("PatternRegister").onInterface(procid_iface).withArguments(procid, pattern).storeResultsTo(id);
        return id;
    }
    std::string send(const std::string& procid, const Dict& message) {
        std::string id;
        proxy_->callMethod("Send").onInterface(procid_iface).withArguments(procid, message).storeResultsTo(id);
        return id;
    }

    // Processes the connection until `pred` holds for a received signal (which is removed and
    // returned) or the time is up (a test failure).
    Signal wait(const std::function<bool(const Signal&)>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            while (conn_->processPendingRequest()) {
            }
            for (auto it = signals_.begin(); it != signals_.end(); ++it) {
                if (pred(*it)) {
                    Signal s = std::move(*it);
                    signals_.erase(it);
                    return s;
                }
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                ADD_FAILURE() << "timed out waiting for a signal (" << signals_.size() << " others pending)";
                return {};
            }
            auto pd = conn_->getEventLoopPollData();
            pollfd p{pd.fd, pd.events, 0};
            poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 50)));
        }
    }
    Signal wait_for(const std::string& member, const std::string& first = {}) {
        return wait([&](const Signal& s) { return s.member == member && (first.empty() || s.first == first); });
    }
    // Everything that arrives within `time`.
    std::vector<Signal> drain(std::chrono::milliseconds time = std::chrono::milliseconds(200)) {
        quiet("", time);
        std::vector<Signal> out(signals_.begin(), signals_.end());
        signals_.clear();
        return out;
    }
    // Nothing matching arrives within `time`.
    bool quiet(const std::string& member, std::chrono::milliseconds time = std::chrono::milliseconds(200)) {
        auto deadline = std::chrono::steady_clock::now() + time;
        while (std::chrono::steady_clock::now() < deadline) {
            while (conn_->processPendingRequest()) {
            }
            for (const auto& s : signals_) {
                if (s.member == member) return false;
            }
            auto pd = conn_->getEventLoopPollData();
            pollfd p{pd.fd, pd.events, 0};
            poll(&p, 1, 20);
        }
        return true;
    }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    std::unique_ptr<sdbus::IProxy> proxy_;
    std::vector<sdbus::Slot> slots_;
    std::deque<Signal> signals_;
};

template <typename T>
T get(const Dict& d, const std::string& key) {
    auto it = d.find(key);
    if (it == d.end()) {
        ADD_FAILURE() << "no key " << key;
        return T{};
    }
    return it->second.get<T>();
}

// The D-Bus error name a call fails with ("" when it succeeds).
template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const sdbus::Error& e) {
        return e.getName();
    }
    return {};
}

}  // namespace ttbus::test
