// The effect sink: carries out what the engine decided (deliveries and updates as unicast signals,
// replies to waiting one-call requests, launches, the queue store, monitor events), and feeds it
// the events that come from outside a method call (type reloads, launches that ended).
#include "service_parts.h"

namespace ttbus::dbus {

namespace {

// What the engine let go of at a bound, with nobody left to tell: never silently.
void log_dropped(const core::Dropped& d, const core::Limits& limits) {
    const std::string n = std::to_string(d.count);
    if (d.cause == core::DropCause::ORPHANED) {
        log::warning("dropped " + n + " unanswered messages of " + d.client + ", which has gone: the broker keeps " +
                     std::to_string(limits.orphaned) + " messages of gone clients (requests among them failed with TT_ERR_OVERFLOW)");
    } else if (d.cause == core::DropCause::QUEUE_FULL) {
        log::warning("dropped " + n + " message of " + d.client + " that was to be queued: the queues hold " +
                     std::to_string(limits.queued_total) + " messages of " + std::to_string(limits.bytes_total) +
                     " bytes in all, " + std::to_string(limits.bytes) + " bytes per client");
    } else {
        log::warning("dropped " + n + " message of " + d.client + " that was to wait for a ptype's start: " +
                     std::to_string(limits.waiting) + " per client and " + std::to_string(limits.waiting_total) +
                     " in all may wait, within " + std::to_string(limits.bytes) + " bytes per client and " +
                     std::to_string(limits.bytes_total) + " in all");
    }
}

// A held batch this big goes out before more is added: well within a D-Bus message's bound, and
// past the point where the cost per message matters.
constexpr std::size_t max_held_bytes = std::size_t{64} << 10;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Effects

void Service::hold(const Connection& c, const std::string& procid, std::string_view delivery, std::string_view body) {
    auto held = held_.find(c.peer);
    if (held == held_.end()) held = held_.emplace(c.peer, HeldFor{c.name, {}}).first;
    auto& batches = held->second.batches;
    auto it = std::find_if(batches.begin(), batches.end(), [&](const Held& h) { return h.procid == procid; });
    if (it != batches.end() && it->batch.size() + delivery.size() + body.size() > max_held_bytes) {
        release_held(c.peer);
        hold(c, procid, delivery, body);
        return;
    }
    if (it == batches.end()) it = batches.insert(batches.end(), Held{procid, {}});
    compact::append_to_batch(it->batch, delivery, body);
}

void Service::release_held(sd_bus* peer) {
    if (held_.empty()) return;
    auto it = held_.find(peer);
    if (it == held_.end()) return;
    // Taken out first: emitting to the peer lets go of what is held for it, which is nothing by then.
    const HeldFor held = std::move(held_.extract(it).mapped());
    const Connection* c = connections_.find(held.connection);
    if (c == nullptr) return;  // it hung up meanwhile
    // A lone delivery too goes as a batch (of one): a DeliveredCompact would cost the broker and
    // the reader one more byte array to write and to read. From version 4 the procid goes inside.
    for (const Held& h : held.batches) {
        if (c->compact >= compact::packed_signals_link_version) {
            emit(*c, peer_interface, delivered_packed_signal,
                 [&](Writer& w) { w.bytes(compact::packed_head(h.procid), h.batch); });
            continue;
        }
        emit(*c, peer_interface, delivered_batch_signal, [&](Writer& w) {
            w.string(h.procid);
            w.bytes(h.batch);
        });
    }
}

void Service::release_held() {
    while (!held_.empty()) release_held(held_.begin()->first);
}

void Service::emit_update(const Connection& c, const std::string& procid, const core::MessageView& m) {
    release_held();  // an update, like a reply, follows every delivery made before it (service.h)
    if (c.compact == 0) {
        emit(c, procid_interface, updated_signal, [&](Writer& w) {
            w.string(procid);
            write_message(w, m, nullptr, Defaults::omit);
        });
        return;
    }
    std::string part;
    compact::append_update(part, *m, m.header);
    if (c.compact >= compact::packed_signals_link_version) {
        emit(c, peer_interface, updated_packed_signal, [&](Writer& w) { w.bytes(compact::packed_head(procid), part); });
        return;
    }
    emit(c, peer_interface, updated_compact_signal, [&](Writer& w) {
        w.string(procid);
        w.bytes(part);
    });
}

void Service::apply(core::Effects& fx) {
    // The compact body of the last message delivered to a compact connection: the observers of a
    // message come one after the other, and each gets the same bytes.
    const core::MessageBody* encoded = nullptr;
    std::string body_part;
    std::string delivery_part;
    for (std::size_t i = 0; i < fx.size(); ++i) {
        core::Effect effect = std::move(fx[i]);
        if (auto* d = std::get_if<core::Delivery>(&effect)) {
            Connection* c = connections_.owner(d->procid);
            if (c == nullptr) continue;
            monitor_event("delivered", &d->message, d->procid,
                          [&](Writer& w) { w.entry(message_keys[message_key::delivery], static_cast<std::uint32_t>(d->kind)); });
            if (d->procid == c->call_procid) continue;  // the one-call procid handles nothing
            const DeliveryKeys keys{d->pattern, static_cast<std::uint32_t>(d->kind), d->start_message};
            if (c->compact == 0) {
                emit(*c, procid_interface, delivered_signal, [&](Writer& w) {
                    w.string(d->procid);
                    write_message(w, d->message, &keys, Defaults::omit);
                });
                continue;
            }
            try {
                if (encoded != d->message.body.get()) {
                    body_part.clear();
                    encoded = nullptr;
                    compact::append_body(body_part, *d->message);
                    encoded = d->message.body.get();
                }
                delivery_part.clear();
                compact::append_delivery(delivery_part, keys, d->message.header, d->message->cls);
            } catch (const Failure& f) {
                log::error("cannot write a DeliveredCompact signal for " + c->name + ": " + f.what());
                continue;
            }
            if (holding_ && c->compact >= compact::batch_link_version) {
                hold(*c, d->procid, delivery_part, body_part);
                continue;
            }
            emit(*c, peer_interface, delivered_compact_signal, [&](Writer& w) {
                w.string(d->procid);
                w.bytes(delivery_part);
                w.bytes(body_part);
            });
        } else if (auto* u = std::get_if<core::Update>(&effect)) {
            Connection* c = connections_.owner(u->procid);
            if (c == nullptr) continue;
            monitor_event("updated", &u->message, u->procid, [](Writer&) {});
            const bool final = is_final(u->message.header.state);
            if (u->procid == c->call_procid) {
                auto call = c->calls.find(u->message->id);
                if (!final || call == c->calls.end()) continue;
                const auto& h = u->message.header;
                if (h.state == core::State::FAILED) {
                    reply_failure(call->second.get(),
                                  Failure(h.status, h.status_string.empty() ? "the request failed" : h.status_string));
                } else {
                    try {
                        reply(call->second.get(), [&](Writer& w) { write_message(w, u->message); });
                    } catch (const Failure& f) {
                        reply_failure(call->second.get(), f);
                    }
                }
                c->calls.erase(call);
                continue;
            }
            emit_update(*c, u->procid, u->message);
        } else if (auto* s = std::get_if<core::StartPtype>(&effect)) {
            monitor_event("started", nullptr, {}, [&](Writer& w) {
                w.entry(monitor_event_keys[monitor_event_key::ptype], s->ptype);
                w.entry(monitor_event_keys[monitor_event_key::token], s->token);
            });
            // The started process may reach the broker straight through its socket; only the
            // broker says where that is (a message's $TTBUS_PEER_ADDRESS context does not).
            auto& env = s->environment;
            env.erase(std::remove_if(env.begin(), env.end(), [](const auto& e) { return e.first == peer_address_variable; }),
                      env.end());
            if (listener_) env.emplace_back(peer_address_variable, listener_->address());
            log::info("starting ptype " + s->ptype + " (token " + s->token + ") with " + launcher_->kind(), {.ptype = s->ptype});
            launcher_->start(*s);
        } else if (auto* q = std::get_if<core::Queued>(&effect)) {
            if (std::string error; store_.get() && !store_.get()->put(*q, &error)) log::error("cannot keep a queued message: " + error, {.message = q->message->id, .ptype = q->ptype});
            monitor_event("queued", &q->message, q->message->sender, [&](Writer& w) { w.entry(monitor_event_keys[monitor_event_key::ptype], q->ptype); });
        } else if (auto* dq = std::get_if<core::Dequeued>(&effect)) {
            if (std::string error; store_.if_open() && !store_.if_open()->remove(*dq, &error)) log::error("cannot forget a queued message: " + error, {.message = dq->message_id, .ptype = dq->ptype});
            monitor_event("dequeued", nullptr, {}, [&](Writer& w) {
                w.entry(message_keys[message_key::id], dq->message_id);
                w.entry(monitor_event_keys[monitor_event_key::ptype], dq->ptype);
            });
        } else if (auto* dr = std::get_if<core::Dropped>(&effect)) {
            log_dropped(*dr, engine_.limits());
        }
    }
    fx.clear();
}

std::pair<std::uint32_t, std::uint32_t> Service::reload_types() {
    std::string problems;
    auto types = options_.load_types ? options_.load_types(problems) : core::TypeDb::build({}, {});
    if (!problems.empty()) log::warning(problems);
    engine_.set_types(types);
    return {static_cast<std::uint32_t>(engine_.types().ptypes().size()),
            static_cast<std::uint32_t>(engine_.types().otypes().size())};
}

void Service::reap_children() { launcher_->reap(); }

// A launch is over: it never started, or its process exited. The engine fails what still waited
// for it (and ignores it when the started process already took its start message).
void Service::launch_ended(const launch::LaunchInfo& launch, const std::string& reason) {
    core::Effects fx;
    if (engine_.launch_ended(launch.token, fx) == core::Status::OK && !fx.empty()) {
        log::warning("ptype " + launch.ptype + " (token " + launch.token + ") ended before its start message was taken: " + reason, {.ptype = launch.ptype, .unit = launch.unit, .message_id = log::ptype_start_failed});
    }
    apply(fx);
}

}  // namespace ttbus::dbus
