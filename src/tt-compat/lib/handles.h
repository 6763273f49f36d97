// Process-local handles: Tt_message and Tt_pattern values are numbers, never addresses, and are
// never reused, so a NULL, destroyed or made-up handle is recognised (TT_ERR_POINTER) instead of
// being dereferenced.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

namespace ttc {

// Handle values of every table come from one counter that survives tt_close, so a handle from an
// earlier tt_open is never taken for a new object.
std::uintptr_t next_handle_value();

template <typename Object, typename Handle>
class HandleTable {
public:
    Handle add(std::unique_ptr<Object> object) {
        std::uintptr_t v = next_handle_value();
        objects_.emplace(v, std::move(object));
        return reinterpret_cast<Handle>(v);
    }
    Object* find(Handle h) const {
        auto it = objects_.find(reinterpret_cast<std::uintptr_t>(h));
        return it == objects_.end() ? nullptr : it->second.get();
    }
    void remove(Handle h) { objects_.erase(reinterpret_cast<std::uintptr_t>(h)); }
    template <typename F>
    void for_each(F&& f) const {
        for (const auto& [v, object] : objects_) f(reinterpret_cast<Handle>(v), *object);
    }

private:
    std::unordered_map<std::uintptr_t, std::unique_ptr<Object>> objects_;
};

}  // namespace ttc
