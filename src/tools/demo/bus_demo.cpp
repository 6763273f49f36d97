// ttbus-bus-demo: the guide's debugger/editor ShowLine exchange through a running ttbusd, with
// plain D-Bus calls only. Three connections: an editor that handles ShowLine, a debugger that
// asks for line 128, and a monitor that prints what the broker sees.
#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <poll.h>
#include <string>
#include <vector>

namespace {

using Dict = std::map<std::string, sdbus::Variant>;
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;
constexpr const char* name = "org.ttbus.Broker1";
constexpr const char* path = "/org/ttbus/Broker1";

const char* state_name(std::int32_t s) {
    static const char* names[] = {"CREATED", "SENT", "HANDLED", "FAILED", "QUEUED", "STARTED",
                                  "REJECTED", "RETURNED", "ACCEPTED", "ABSTAINED"};
    return s >= 0 && s < 10 ? names[s] : "?";
}

std::string describe(const Dict& m) {
    auto str = [&](const char* k) { return m.count(k) ? m.at(k).get<std::string>() : std::string(); };
    std::string s = str("op") + " [" + state_name(m.count("state") ? m.at("state").get<std::int32_t>() : -1) + "]";
    if (m.count("args")) {
        for (const auto& a : m.at("args").get<std::vector<WireArg>>()) {
            s += " " + a.get<1>() + "=";
            s += a.get<2>() == 1 ? std::to_string(a.get<3>())
                 : a.get<2>() == 2 ? std::string(a.get<4>().begin(), a.get<4>().end())
                                   : std::string("(unset)");
        }
    }
    return s;
}

// One party of the exchange: a connection, a proxy, and the signals it got.
struct Party {
    std::unique_ptr<sdbus::IConnection> conn = sdbus::createSessionBusConnection();
    std::unique_ptr<sdbus::IProxy> proxy = sdbus::createProxy(*conn, name, path);
    std::deque<std::pair<std::string, Dict>> inbox;
    sdbus::Slot match;

    explicit Party(const char* iface) {
        match = conn->addMatch(std::string("type='signal',sender='") + name + "',interface='" + iface + "'",
                               [this](sdbus::Message& m) {
                                   std::string first;
                                   Dict d;
                                   m >> first >> d;
                                   inbox.emplace_back(m.getMemberName() + std::string(" ") + first, d);
                               });
    }
    void pump() {
        while (conn->processPendingRequest()) {
        }
    }
    std::pair<std::string, Dict> next() {
        for (int i = 0; i < 200 && inbox.empty(); ++i) {
            pump();
            if (!inbox.empty()) break;
            auto pd = conn->getEventLoopPollData();
            pollfd p{pd.fd, pd.events, 0};
            poll(&p, 1, 25);
        }
        if (inbox.empty()) throw std::runtime_error("no answer from ttbusd");
        auto front = inbox.front();
        inbox.pop_front();
        return front;
    }
};

}  // namespace

int main() {
    try {
        Party monitor("org.ttbus.Monitor1"), editor("org.ttbus.Procid1"), debugger("org.ttbus.Procid1");
        monitor.proxy->callMethod("Subscribe").onInterface("org.ttbus.Monitor1").withArguments(Dict{});

        std::string session, ed, dbg, s2;
        editor.proxy->callMethod("Open").onInterface("org.ttbus.Broker1").withArguments(Dict{}).storeResultsTo(ed, session);
        std::printf("editor:   opened procid %s in session %s\n", ed.c_str(), session.c_str());
        Dict pattern{{"category", sdbus::Variant(std::int32_t{2})},  // TT_HANDLE
                     {"scopes", sdbus::Variant(std::vector<std::int32_t>{1})},  // TT_SESSION
                     {"ops", sdbus::Variant(std::vector<std::string>{"ShowLine"})}};
        std::uint64_t pid = 0;
        editor.proxy->callMethod("PatternRegister").onInterface("org.ttbus.Procid1").withArguments(ed, pattern).storeResultsTo(pid);
        editor.proxy->callMethod("SessionJoin").onInterface("org.ttbus.Procid1").withArguments(ed, session);
        std::printf("editor:   handles ShowLine (pattern %llu), joined the session\n", static_cast<unsigned long long>(pid));

        debugger.proxy->callMethod("Open").onInterface("org.ttbus.Broker1").withArguments(Dict{}).storeResultsTo(dbg, s2);
        Dict request{{"class", sdbus::Variant(std::int32_t{2})},    // TT_REQUEST
                     {"address", sdbus::Variant(std::int32_t{0})},  // TT_PROCEDURE
                     {"scope", sdbus::Variant(std::int32_t{1})},    // TT_SESSION
                     {"op", sdbus::Variant(std::string("ShowLine"))},
                     {"file", sdbus::Variant(std::string("/home/astrid/src/ebe.c"))},
                     {"args", sdbus::Variant(std::vector<WireArg>{{1, "int", 1u, 128, {}}})}};
        std::string id;
        debugger.proxy->callMethod("Send").onInterface("org.ttbus.Procid1").withArguments(dbg, request).storeResultsTo(id);
        std::printf("debugger: sent ShowLine line=128 as message \"%s\"\n", id.c_str());

        auto delivered = editor.next();
        std::printf("editor:   %s: %s\n", delivered.first.c_str(), describe(delivered.second).c_str());
        editor.proxy->callMethod("Reply").onInterface("org.ttbus.Procid1").withArguments(ed, id, Dict{});
        std::printf("editor:   scrolled to line 128 and replied\n");

        auto update = debugger.next();
        std::printf("debugger: %s: %s\n", update.first.c_str(), describe(update.second).c_str());

        std::printf("\nwhat the monitor saw:\n");
        for (int i = 0; i < 3; ++i) {
            auto e = monitor.next();
            std::printf("  %s: %s\n", e.first.c_str(), describe(e.second).c_str());
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ttbus-bus-demo: %s\n", e.what());
        return 1;
    }
}
