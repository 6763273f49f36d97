// Starting ptypes for real: under a systemd user manager (sysenv.py) start strings run as
// app-ttbus-<ptype>.service units (app-ttbus-<ptype>@<token>.service while that name is taken); on a bus without one (busenv.py) ttbusd forks. The
// same cases run both ways; what differs is checked against the launcher ttbusd reports.
#include "client.h"
#include "clock_env.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <time.h>

namespace ttbus::test {
namespace {

constexpr std::int32_t REQUEST = 2, SESSION = 1, OUT = 2;
constexpr std::int32_t HANDLED = 2, FAILED = 3, STARTED = 5;
namespace fs = std::filesystem;

using WireContext = sdbus::Struct<std::string, std::uint32_t, std::int32_t, std::vector<std::uint8_t>>;


WireContext text_context(const std::string& slot, const std::string& v) {
    return {slot, 2u, 0, std::vector<std::uint8_t>(v.begin(), v.end())};
}

std::map<std::string, std::string> read_report(const fs::path& file) {
    std::map<std::string, std::string> out;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string key = line.substr(0, eq);
        out[key] += (out.count(key) && key == "cgroup" ? "\n" : "") + line.substr(eq + 1);
    }
    return out;
}

class Start : public ::testing::Test {
protected:
    void SetUp() override {
        handler_ = env("STARTED_HANDLER");
        ASSERT_FALSE(handler_.empty());
        dir_ = fs::path(env("TTBUS_TEST_DIR"));
        types_ = fs::path(env("XDG_DATA_HOME")) / "ttbus" / "types";
        fs::create_directories(types_);
    }
    void types(const std::string& name, const std::string& text) {
        std::ofstream(types_ / name) << text;
        std::uint32_t p = 0, o = 0;
        c_.proxy().callMethod("ReloadTypes").onInterface(broker_iface).storeResultsTo(p, o);
    }
    std::string launcher() {
        Dict status;
        c_.proxy().callMethod("Status").onInterface(broker_iface).storeResultsTo(status);
        return get<std::string>(status, "launcher");
    }
    // The broker's peer-to-peer address, "" when it has none.
    std::string peer_address() {
        std::string address;
        error_of([&] { c_.proxy().callMethod("PeerAddress").onInterface(broker_iface).storeResultsTo(address); });
        return address;
    }
    std::string default_session() {
        std::string s;
        c_.proxy().callMethod("DefaultSession").onInterface(broker_iface).storeResultsTo(s);
        return s;
    }
    // Sends `op` as a request that asks the started handler to report to `report`.
    std::string request(const std::string& procid, const std::string& op, const fs::path& report,
                        const std::string& file = {}, const fs::path& linger = {}) {
        Dict m{{"class", sdbus::Variant(REQUEST)},
               {"address", sdbus::Variant(std::int32_t{0})},
               {"scope", sdbus::Variant(SESSION)},
               {"op", sdbus::Variant(op)},
               {"args", sdbus::Variant(std::vector<WireArg>{unset_arg(OUT, "string")})},
               {"contexts", sdbus::Variant(std::vector<WireContext>{text_context("$TTBUS_OUT", report.string()),
                                                                    text_context("$PROJECT", "ttbus")})}};
        if (!file.empty()) m["file"] = sdbus::Variant(file);
        if (!linger.empty()) {
            auto contexts = m["contexts"].get<std::vector<WireContext>>();
            contexts.push_back(text_context("$TTBUS_LINGER", linger.string()));
            m["contexts"] = sdbus::Variant(contexts);
        }
        return c_.send(procid, m);
    }
    Signal final_update(const std::string& procid) {
        for (;;) {
            Signal u = c_.wait_for("Updated", procid);
            if (u.member.empty() || get<std::int32_t>(u.message, "state") != STARTED) return u;
        }
    }
    // Requests `op`, whose ptype cannot be started: it fails with TT_ERR_PTYPE_START.
    void expect_start_fails(const std::string& procid, const std::string& op) {
        request(procid, op, dir_ / "unused");
        Signal done = final_update(procid);
        EXPECT_EQ(get<std::int32_t>(done.message, "state"), FAILED);
        EXPECT_EQ(get<std::int32_t>(done.message, "status"), 1056) << "TT_ERR_PTYPE_START";
    }

    Client c_;
    std::string handler_;
    fs::path dir_, types_;
};

// The broker is not running until something calls its name; then systemd starts ttbusd.service.
TEST(Activation, FirstCallStartsTheBrokerUnit) {
    auto driver = sdbus::createProxy(sdbus::createSessionBusConnection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    bool running = true;
    driver->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus").withArguments(std::string(broker_name))
        .storeResultsTo(running);
    EXPECT_FALSE(running);
    Client c;
    EXPECT_FALSE(c.open().empty());
    EXPECT_EQ(std::system("systemctl --user --quiet is-active ttbusd.service"), 0);
}

TEST_F(Start, StartStringRunsAndAnswersItsStartMessage) {
    types("starter.types", "ptype Starter { start \"" + handler_ + "\"; handle: session Start(out string r) => start; };\n");
    std::string p = c_.open();
    fs::path report = dir_ / "starter.report";
    request(p, "Start", report, "/tmp/notes.txt");
    EXPECT_EQ(get<std::int32_t>(c_.wait_for("Updated", p).message, "state"), STARTED);
    Signal done = final_update(p);
    ASSERT_EQ(get<std::int32_t>(done.message, "state"), HANDLED);
    EXPECT_EQ(bytes_of(get<std::vector<WireArg>>(done.message, "args").at(0)), "ok");

    auto r = read_report(report);
    EXPECT_EQ(r["start_message"], "1");
    EXPECT_EQ(r["status"], "5") << "TT_WRN_START_MESSAGE";
    EXPECT_FALSE(r["TT_TOKEN"].empty());
    EXPECT_EQ(r["_SUN_TT_TOKEN"], r["TT_TOKEN"]);
    EXPECT_EQ(r["TT_SESSION"], default_session());
    EXPECT_EQ(r["TT_FILE"], "/tmp/notes.txt");
    EXPECT_EQ(r["PROJECT"], "ttbus") << "a $ context becomes an environment variable";
    EXPECT_EQ(r["TTBUS_PEER_ADDRESS"], peer_address()) << "where the handler reaches the broker without the bus";
    if (launcher() == "systemd") {
        EXPECT_FALSE(r["INVOCATION_ID"].empty()) << "run by systemd";
        EXPECT_NE(r["cgroup"].find("app.slice/app-ttbus-Starter.service"), std::string::npos)
            << "a ptype's first instance has the convention's name of a sole instance: " << r["cgroup"];
    } else {
        EXPECT_EQ(launcher(), "fork");
        EXPECT_TRUE(r["INVOCATION_ID"].empty());
        EXPECT_FALSE(r["TTBUS_PEER_ADDRESS"].empty()) << "busenv gives the broker an XDG_RUNTIME_DIR";
    }
}

// ttbusctl launches shows a running handler with its unit and the unit's state.
TEST_F(Start, LaunchesShowTheRunningHandler) {
    types("lingerer.types", "ptype Lingerer { start \"" + handler_ + "\"; handle: session Stay(out string r) => start; };\n");
    std::string p = c_.open();
    fs::path go = dir_ / "lingerer.go";
    request(p, "Stay", dir_ / "lingerer.report", {}, go);
    ASSERT_EQ(get<std::int32_t>(final_update(p).message, "state"), HANDLED);
    fs::path listing = dir_ / "launches.json";
    std::string cmd = env("TTBUSCTL") + " --json launches > " + listing.string();
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::stringstream text;
    text << std::ifstream(listing).rdbuf();
    const std::string json = text.str();
    EXPECT_NE(json.find("\"ptype\": \"Lingerer\""), std::string::npos) << json;
    if (launcher() == "systemd") {
        EXPECT_NE(json.find("\"unit\": \"app-ttbus-Lingerer.service\""), std::string::npos) << json;
        EXPECT_NE(json.find("\"state\": \"active\""), std::string::npos) << json;
    }
    std::ofstream(go) << "go\n";
    std::string after = "pending";
    for (int i = 0; i < 200 && after.find("Lingerer") != std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        std::system(cmd.c_str());
        std::stringstream again;
        again << std::ifstream(listing).rdbuf();
        after = again.str();
    }
    EXPECT_EQ(after.find("Lingerer"), std::string::npos) << "the launch is gone once the handler exits: " << after;
}

// A unit that is not the broker's holds the ptype's sole name: systemd refuses it (UnitExists) and
// the start runs as an instance, app-ttbus-<ptype>@<token>.service, without failing the request.
TEST_F(Start, ATakenSoleNameStartsAnInstance) {
    if (launcher() != "systemd") GTEST_SKIP() << "unit names are the systemd launcher's";
    ASSERT_EQ(std::system("systemd-run --user --quiet --collect --unit=app-ttbus-Taken.service sleep 60"), 0);
    types("taken.types", "ptype Taken { start \"" + handler_ + "\"; handle: session Take(out string r) => start; };\n");
    std::string p = c_.open();
    fs::path report = dir_ / "taken.report";
    request(p, "Take", report);
    Signal done = final_update(p);
    std::system("systemctl --user stop app-ttbus-Taken.service");
    ASSERT_EQ(get<std::int32_t>(done.message, "state"), HANDLED);
    auto r = read_report(report);
    EXPECT_EQ(r["start_message"], "1");
    EXPECT_NE(r["cgroup"].find("app.slice/app-ttbus-Taken@"), std::string::npos) << r["cgroup"];
}

TEST_F(Start, MissingProgramFailsWithPtypeStart) {
    types("missing.types", "ptype Missing { start \"/nonexistent/ttbus-handler\"; handle: session Go() => start; };\n");
    expect_start_fails(c_.open(), "Go");
}

// A start whose program is missing fails its job; systemd may still hold the failed unit (until it
// collects it) when the ptype is started again at once, now with a program that runs: that start
// must not take the old unit's end for its own.
TEST_F(Start, AStartRightAfterAFailedOneRuns) {
    types("retry.types", "ptype Retry { start \"/nonexistent/ttbus-handler\"; handle: session Again(out string r) => start; };\n");
    std::string p = c_.open();
    expect_start_fails(p, "Again");
    types("retry.types", "ptype Retry { start \"" + handler_ + "\"; handle: session Again(out string r) => start; };\n");
    fs::path report = dir_ / "retry.report";
    request(p, "Again", report);
    Signal done = final_update(p);
    ASSERT_EQ(get<std::int32_t>(done.message, "state"), HANDLED);
    EXPECT_EQ(read_report(report)["start_message"], "1");
}

TEST_F(Start, StartStringThatExitsAtOnceFails) {
    types("quitter.types", "ptype Quitter { start \"exit 0\"; handle: session Go() => start; };\n");
    expect_start_fails(c_.open(), "Go");
}

// A ptype naming a unit: the unit is started and the first procid that declares the ptype
// takes the start message.
TEST_F(Start, PtypeNamingAStaticUnit) {
    const bool systemd = launcher() == "systemd";
    fs::path units = fs::path(env("XDG_CONFIG_HOME")) / "systemd" / "user";
    fs::create_directories(units);
    fs::path report = dir_ / "static.report";
    std::ofstream(units / "ttbus-static-handler.service")
        << "[Service]\nType=exec\nExecStart=" << handler_ << "\nEnvironment=TTBUS_PTYPE=Static_Tool TTBUS_OUT="
        << report.string() << "\n";
    types("static.json", R"({"format": "ttbus-types", "version": 1, "ptypes": [{"id": "Static_Tool",
        "unit": "ttbus-static-handler.service",
        "signatures": [{"category": "handle", "scope": "session", "op": "Poke", "start": true}]}]})");
    std::string p = c_.open();
    Dict m{{"class", sdbus::Variant(REQUEST)}, {"address", sdbus::Variant(std::int32_t{0})},
           {"scope", sdbus::Variant(SESSION)}, {"op", sdbus::Variant(std::string("Poke"))},
           {"args", sdbus::Variant(std::vector<WireArg>{unset_arg(OUT, "string")})}};
    c_.send(p, m);
    Signal done = final_update(p);
    if (!systemd) {  // a unit without a user manager cannot be started, and the ptype has no start string
        EXPECT_EQ(get<std::int32_t>(done.message, "state"), FAILED);
        EXPECT_EQ(get<std::int32_t>(done.message, "status"), 1056);
        return;
    }
    ASSERT_EQ(get<std::int32_t>(done.message, "state"), HANDLED);
    auto r = read_report(report);
    EXPECT_EQ(r["start_message"], "1");
    EXPECT_NE(r["cgroup"].find("ttbus-static-handler.service"), std::string::npos) << r["cgroup"];
}

TEST_F(Start, SeveralHandlersStartInParallel) {
    std::string text;
    for (int i = 0; i < 4; ++i) {
        text += "ptype Parallel_" + std::to_string(i) + " { start \"" + handler_ + "\"; handle: session Work_" +
                std::to_string(i) + "(out string r) => start; };\n";
    }
    types("parallel.types", text);
    std::string p = c_.open();
    for (int i = 0; i < 4; ++i) request(p, "Work_" + std::to_string(i), dir_ / ("parallel." + std::to_string(i)));
    int handled = 0;
    for (int seen = 0; seen < 8;) {  // a STARTED and a final update each
        Signal u = c_.wait_for("Updated", p);
        if (u.member.empty()) break;
        ++seen;
        handled += get<std::int32_t>(u.message, "state") == HANDLED;
    }
    EXPECT_EQ(handled, 4);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(read_report(dir_ / ("parallel." + std::to_string(i)))["start_message"], "1");
}

// Request sent -> start message received by the started process, median of 20 (a measurement,
// printed for the record; the assertion only guards against a launch that takes seconds).
TEST_F(Start, StartLatency) {
    types("latency.types", "ptype Latency { start \"" + handler_ + "\"; handle: session Ping(out string r) => start; };\n");
    std::string p = c_.open();
    std::vector<double> ms;
    for (int i = 0; i < 20; ++i) {
        fs::path report = dir_ / ("latency." + std::to_string(i));
        long long sent = now_usec();
        request(p, "Ping", report);
        ASSERT_EQ(get<std::int32_t>(final_update(p).message, "state"), HANDLED);
        ms.push_back(static_cast<double>(std::stoll(read_report(report)["received_usec"]) - sent) / 1000.0);
    }
    std::sort(ms.begin(), ms.end());
    double median = (ms[9] + ms[10]) / 2;
    std::printf("start latency (%s): median %.2f ms, min %.2f ms, max %.2f ms over 20 starts\n", launcher().c_str(),
                median, ms.front(), ms.back());
    EXPECT_LT(median, 2000.0);
}

}  // namespace
}  // namespace ttbus::test
