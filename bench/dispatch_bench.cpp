// Dispatch cost against the number of registered patterns.
//
// N patterns are spread over N distinct ops (100 per procid, all joined to the session); the
// measured message always finds the same 4 candidates (1 handler, 3 observers). If dispatch
// costs what the candidates cost, the rate does not depend on N.
//
//   dispatch_bench [--iterations K] [--json FILE] [N ...]     (default N: 10 1000 100000)
#include "core/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace ttbus::core;

namespace {

struct Result {
    std::size_t patterns;
    double per_second;
    double ns_per_dispatch;
};

Pattern pattern_for(Category c, const std::string& op) {
    Pattern p;
    p.category = c;
    p.scopes.add(Scope::SESSION);
    p.ops = {op};
    p.args = {{Mode::IN, "int", {}}};
    return p;
}

Result measure(std::size_t total, std::size_t iterations) {
    Engine engine;
    Effects fx;
    engine.session_create("S");
    std::string procid;
    std::size_t registered = 0;
    auto add = [&](const Pattern& p) {
        if (registered % 100 == 0) {
            if (!procid.empty()) engine.session_join(procid, "S", fx);
            engine.open({"S", 0, 0, {}}, fx, &procid);
        }
        engine.pattern_register(procid, p, nullptr);
        ++registered;
    };
    add(pattern_for(Category::HANDLE, "ShowLine"));
    for (int i = 0; i < 3; ++i) add(pattern_for(Category::OBSERVE, "ShowLine"));
    for (std::size_t i = 4; i < total; ++i) {
        add(pattern_for(i % 2 ? Category::OBSERVE : Category::HANDLE, "op" + std::to_string(i)));
    }
    engine.session_join(procid, "S", fx);
    std::string sender;
    engine.open({"S", 0, 0, {}}, fx, &sender);

    Message m;
    m.body.cls = Class::NOTICE;
    m.body.address = Address::PROCEDURE;
    m.body.op = "ShowLine";
    m.body.args = {{Mode::IN, "int", std::int32_t{128}}};
    m.header.scope = Scope::SESSION;

    fx.clear();
    fx.reserve(8);
    auto run = [&](std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            engine.send(sender, m, fx, nullptr);
            if (fx.size() != 4) std::abort();  // the benchmark must measure real deliveries
            fx.clear();
        }
    };
    run(iterations / 10);  // warm up
    auto t0 = std::chrono::steady_clock::now();
    run(iterations);
    auto t1 = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(t1 - t0).count();
    return {total, iterations / seconds, seconds * 1e9 / static_cast<double>(iterations)};
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t iterations = 200000;
    const char* json = nullptr;
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            iterations = std::strtoul(argv[++i], nullptr, 10);
        } else if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else {
            sizes.push_back(std::strtoul(argv[i], nullptr, 10));
        }
    }
    if (sizes.empty()) sizes = {10, 1000, 100000};
    if (iterations == 0) iterations = 1;

    std::vector<Result> results;
    for (std::size_t n : sizes) results.push_back(measure(std::max<std::size_t>(n, 4), iterations));

    std::printf("%12s %16s %14s %12s\n", "patterns", "dispatches/s", "ns/dispatch", "vs first");
    for (const auto& r : results) {
        std::printf("%12zu %16.0f %14.1f %11.2fx\n", r.patterns, r.per_second, r.ns_per_dispatch,
                    r.ns_per_dispatch / results.front().ns_per_dispatch);
    }
    if (json != nullptr) {
        FILE* f = std::fopen(json, "w");
        if (f == nullptr) return 2;
        std::fprintf(f, "{\"benchmark\":\"dispatch\",\"iterations\":%zu,\"results\":[", iterations);
        for (std::size_t i = 0; i < results.size(); ++i) {
            std::fprintf(f, "%s{\"patterns\":%zu,\"per_second\":%.0f,\"ns_per_dispatch\":%.1f}", i ? "," : "",
                         results[i].patterns, results[i].per_second, results[i].ns_per_dispatch);
        }
        std::fprintf(f, "]}\n");
        std::fclose(f);
    }
    return 0;
}
