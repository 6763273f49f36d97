// What a ptype's start string runs in the system tests: a ToolTalk handler started on demand.
// It opens its procid with TT_TOKEN (or, for a unit started by name, declares TTBUS_PTYPE), takes
// its start message, writes what it saw to the file named by the message's `$TTBUS_OUT` context
// (which reaches it as the environment variable TTBUS_OUT), replies "ok" and exits — after the
// file named by `$TTBUS_LINGER` appears, when there is one, so tests can look at it running.
#include "clock_env.h"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <poll.h>
#include <sstream>
#include <string>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

using Dict = std::map<std::string, sdbus::Variant>;
using WireArg = sdbus::Struct<std::int32_t, std::string, std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;

using ttbus::test::env;
using ttbus::test::now_usec;

}  // namespace

int main() {
    try {
        auto conn = sdbus::createSessionBusConnection();
        auto broker = sdbus::createProxy(*conn, "org.ttbus.Broker1", "/org/ttbus/Broker1");
        std::vector<std::pair<std::string, Dict>> delivered;
        auto slot = conn->addMatch("type='signal',sender='org.ttbus.Broker1',interface='org.ttbus.Procid1',member='Delivered'",
                                   [&](sdbus::Message& m) {
                                       std::string procid;
                                       Dict d;
                                       m >> procid >> d;
                                       delivered.emplace_back(procid, d);
                                   });
        Dict options;
        if (!env("TT_TOKEN").empty()) options["token"] = sdbus::Variant(env("TT_TOKEN"));
        std::string procid, session;
        broker->callMethod("Open").onInterface("org.ttbus.Broker1").withArguments(options).storeResultsTo(procid, session);
        if (!env("TTBUS_PTYPE").empty()) {
            broker->callMethod("PtypeDeclare").onInterface("org.ttbus.Procid1").withArguments(procid, env("TTBUS_PTYPE"));
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (delivered.empty() && std::chrono::steady_clock::now() < deadline) {
            while (conn->processPendingRequest()) {
            }
            if (!delivered.empty()) break;
            auto pd = conn->getEventLoopPollData();
            pollfd p{pd.fd, pd.events, 0};
            poll(&p, 1, 50);
        }
        if (delivered.empty()) {
            std::fprintf(stderr, "started_handler: no start message\n");
            return 2;
        }
        long long received = now_usec();
        const Dict& m = delivered.front().second;
        std::ostringstream out;
        out << "received_usec=" << received << "\n";
        out << "start_message=" << (m.at("start_message").get<bool>() ? 1 : 0) << "\n";
        out << "status=" << m.at("status").get<std::int32_t>() << "\n";
        for (const char* name :
             {"TT_TOKEN", "TT_SESSION", "TT_FILE", "_SUN_TT_TOKEN", "INVOCATION_ID", "PROJECT", "TTBUS_PEER_ADDRESS"}) {
            out << name << "=" << env(name) << "\n";
        }
        std::ifstream cgroup("/proc/self/cgroup");
        std::string line;
        while (std::getline(cgroup, line)) out << "cgroup=" << line << "\n";
        if (!env("TTBUS_OUT").empty()) std::ofstream(env("TTBUS_OUT")) << out.str();

        Dict answer{{"args", sdbus::Variant(std::vector<WireArg>{{2, "string", 2u, 0, {'o', 'k'}}})}};
        broker->callMethod("Reply").onInterface("org.ttbus.Procid1")
            .withArguments(procid, m.at("id").get<std::string>(), answer);
        if (!env("TTBUS_LINGER").empty()) {
            for (int i = 0; i < 200 && access(env("TTBUS_LINGER").c_str(), F_OK) != 0; ++i) usleep(50000);
        }
        return 0;
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "started_handler: %s\n", e.what());
        return 1;
    }
}
