#include "connections.h"

#include <algorithm>

namespace ttbus::dbus {

Connection& Connections::get(const std::string& name) {
    auto& slot = by_name_[name];
    if (!slot) {
        slot = std::make_unique<Connection>();
        slot->name = name;
    }
    return *slot;
}

Connection* Connections::find(const std::string& name) {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second.get();
}

std::unique_ptr<Connection> Connections::remove(const std::string& name) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return nullptr;
    std::unique_ptr<Connection> c = std::move(it->second);
    by_name_.erase(it);
    for (const auto& p : c->procids) by_procid_.erase(p);
    return c;
}

void Connections::own(const std::string& procid, Connection& c) {
    by_procid_[procid] = &c;
    c.procids.push_back(procid);
}

void Connections::disown(const std::string& procid) {
    auto it = by_procid_.find(procid);
    if (it == by_procid_.end()) return;
    auto& list = it->second->procids;
    list.erase(std::remove(list.begin(), list.end(), procid), list.end());
    if (it->second->call_procid == procid) it->second->call_procid.clear();
    by_procid_.erase(it);
}

Connection* Connections::owner(const std::string& procid) {
    auto it = by_procid_.find(procid);
    return it == by_procid_.end() ? nullptr : it->second;
}

const Connection* Connections::owner(const std::string& procid) const {
    auto it = by_procid_.find(procid);
    return it == by_procid_.end() ? nullptr : it->second;
}

}  // namespace ttbus::dbus
