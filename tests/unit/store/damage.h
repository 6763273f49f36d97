// Damaging a store's SQLite file on purpose, for the salvage tests of both stores.
#pragma once

#include "store/sqlite_file.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace ttbus::store {

// The page number of one leaf page of `table` in the middle of the file.
inline int middle_table_leaf(const std::filesystem::path& file, const std::string& table) {
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY pageno", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<int> pages;
    while (sqlite3_step(st) == SQLITE_ROW) pages.push_back(sqlite3_column_int(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return pages.empty() ? 0 : pages[pages.size() / 2];
}

// What a salvage of `total` rows, one leaf page of them damaged, must report.
inline void expect_salvaged(const std::optional<Salvage>& salvaged, const std::filesystem::path& path,
                            std::size_t total) {
    ASSERT_TRUE(salvaged);
    EXPECT_FALSE(salvaged->damage.empty());
    EXPECT_TRUE(std::filesystem::exists(salvaged->moved_to));
    EXPECT_EQ(salvaged->moved_to.rfind(path.string() + ".damaged-", 0), 0u) << salvaged->moved_to;
    EXPECT_LT(salvaged->recovered, total);
    EXPECT_GT(salvaged->recovered, total / 2) << "rows after the damaged page are read too";
    ASSERT_TRUE(salvaged->lost);
    EXPECT_EQ(salvaged->recovered + *salvaged->lost, total);
}

inline void overwrite(const std::filesystem::path& file, std::size_t offset, std::size_t length) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    for (std::size_t i = 0; i < length; ++i) f.put(static_cast<char>(0xa5 ^ (i * 31)));
}

}  // namespace ttbus::store
