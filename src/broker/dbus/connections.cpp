#include "connections.h"

#include <algorithm>

namespace ttbus::dbus {

Connection& Connections::get(std::string_view name) {
    auto it = by_name_.find(name);
    if (it != by_name_.end()) return *it->second;
    auto c = std::make_unique<Connection>();
    c->name = name;
    return *by_name_.emplace(c->name, std::move(c)).first->second;
}

Connection* Connections::find(std::string_view name) {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second.get();
}

std::unique_ptr<Connection> Connections::remove(std::string_view name) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return nullptr;
    std::unique_ptr<Connection> c = std::move(it->second);
    by_name_.erase(it);
    for (const auto& p : c->procids) by_procid_.erase(p);
    if (c->monitor) --monitors_;
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

Connection* Connections::owner(std::string_view procid) {
    auto it = by_procid_.find(procid);
    return it == by_procid_.end() ? nullptr : it->second;
}

const Connection* Connections::owner(std::string_view procid) const {
    auto it = by_procid_.find(procid);
    return it == by_procid_.end() ? nullptr : it->second;
}

void Connections::set_monitor(Connection& c, std::optional<MonitorFilter> filter) {
    if (c.monitor) --monitors_;
    c.monitor = std::move(filter);
    if (c.monitor) ++monitors_;
}

}  // namespace ttbus::dbus
