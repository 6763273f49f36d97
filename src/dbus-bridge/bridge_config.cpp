#include "bridge_config.h"

#include <glib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ttbus::bridge {

namespace {

using nlohmann::json;

struct BadConfig : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::vector<std::string> names(const json& section, const std::string& ptr, const char* key) {
    if (!section.contains(key)) return {};
    const json& list = section[key];
    if (!list.is_array()) throw BadConfig("at " + ptr + "/" + key + ": expected an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string() || list[i].get<std::string>().empty()) {
            throw BadConfig("at " + ptr + "/" + key + "/" + std::to_string(i) + ": expected a non-empty string");
        }
        out.push_back(list[i].get<std::string>());
    }
    return out;
}

void only_members(const json& v, const std::string& ptr, const std::set<std::string>& allowed) {
    if (!v.is_object()) throw BadConfig("at " + (ptr.empty() ? "/" : ptr) + ": expected an object");
    for (const auto& [key, value] : v.items()) {
        if (allowed.count(key) == 0) throw BadConfig("at " + ptr + "/" + key + ": unknown member");
    }
}

// Applies the members present in `doc` to `config`; absent members leave it as it was.
void apply_document(const json& doc, BridgeConfig& config) {
    only_members(doc, "", {"media", "notices"});
    if (doc.contains("media")) {
        only_members(doc["media"], "/media", {"ops", "types"});
        config.media_ops = names(doc["media"], "/media", "ops");
        config.media_types = names(doc["media"], "/media", "types");
    }
    if (doc.contains("notices")) {
        only_members(doc["notices"], "/notices", {"ops"});
        config.notice_ops = names(doc["notices"], "/notices", "ops");
    }
}

// false when the file does not exist.
bool apply_file(const std::string& path, BridgeConfig& config) {
    std::ifstream in(path);
    if (!in) return false;
    std::stringstream text;
    text << in.rdbuf();
    try {
        apply_document(json::parse(text.str()), config);
    } catch (const json::parse_error& e) {
        throw BadConfig(path + ": " + e.what());
    } catch (const BadConfig& e) {
        throw BadConfig(path + ": " + e.what());
    }
    return true;
}

}  // namespace

bool BridgeConfig::media_type_enabled(const std::string& vtype) const {
    return std::any_of(media_types.begin(), media_types.end(), [&](const std::string& t) { return t == "*" || t == vtype; });
}

ConfigResult load_config(const std::string& shipped, const std::string& user) {
    ConfigResult result;
    BridgeConfig config;
    try {
        if (!apply_file(shipped, config)) g_message("no shipped configuration at %s: media and notices are off", shipped.c_str());
        apply_file(user, config);
        result.config = std::move(config);
    } catch (const BadConfig& e) {
        result.error = e.what();
    }
    return result;
}

std::string user_config_path() {
    return std::string(g_get_user_config_dir()) + "/ttbus/bridge.json";
}

}  // namespace ttbus::bridge
