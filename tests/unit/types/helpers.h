// Shared helpers of the types tests: parse-and-check a text, find test data.
#pragma once

#include "types/parser.h"
#include "types/semantic_check.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace ttbus::types::test {

// Parses classic types text (no cpp) and runs the semantic checks.
inline ParsedTypes compile(const std::string& text, const TypeSet& known = {}) {
    ParsedTypes p = parse_types(text, "t.types");
    check_types(p, known);
    return p;
}

inline std::string first_error(const ParsedTypes& p) {
    for (const auto& d : p.diagnostics) {
        if (d.severity == Severity::Error) return format(d);
    }
    return "";
}

inline std::string data_dir() {
    const char* d = std::getenv("TTBUS_TYPES_TEST_DATA");
    return d ? d : "tests/unit/types/data";
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void spit(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// A fresh empty directory for one test.
inline std::string scratch_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("ttbus-types-test-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

}  // namespace ttbus::types::test
