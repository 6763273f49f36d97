#include "start_env.h"

namespace ttbus::core {

namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool shell_name(const std::string& name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!alpha && !(digit && i > 0)) return false;
    }
    return true;
}

}  // namespace

bool context_env_allowed(const std::string& name) {
    return shell_name(name) && !starts_with(name, "TT_") && !starts_with(name, "_SUN_TT_") &&
           !starts_with(name, "_TT_") && !starts_with(name, "LD_");
}

Environment start_environment(const MessageBody& body, const std::string& session, const std::string& token) {
    Environment env{
        {"TT_TOKEN", token},
        {"_SUN_TT_TOKEN", token},
        {"TT_SESSION", session},
        {"_SUN_TT_SESSION", session},
        {"_TT_SID", session},
        {"_SUN_TT_SID", session},
    };
    if (!body.file.empty()) {
        env.emplace_back("TT_FILE", body.file);
        env.emplace_back("_SUN_TT_FILE", body.file);
    }
    for (const auto& c : body.contexts) {
        if (c.slot.size() < 2 || c.slot[0] != '$') continue;
        std::string name = c.slot.substr(1);
        if (!context_env_allowed(name)) continue;
        if (is_int(c.value)) {
            env.emplace_back(name, std::to_string(std::get<std::int32_t>(c.value)));
        } else if (is_bytes(c.value)) {
            const auto& text = std::get<std::string>(c.value);
            if (text.find('\0') == std::string::npos) env.emplace_back(name, text);
        }
    }
    return env;
}

}  // namespace ttbus::core
