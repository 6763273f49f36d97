// The engine, part four: who pays for what it keeps (Limits). Procids, patterns, live messages,
// queue entries and notices waiting behind a launch, and their bytes, are charged to the client
// that caused them; the messages of gone clients (orphans) are kept within one budget, which the
// largest orphaner pays for.
#include "engine_state.h"

namespace ttbus::core {

std::shared_ptr<Engine::Account> Engine::account_for(const std::string& client, const std::string& procid) {
    const std::string& key = client.empty() ? procid : client;
    std::shared_ptr<Account>& a = accounts_[key];
    if (!a) {
        a = std::make_shared<Account>();
        a->client = key;
    }
    return a;
}

// The payer of a message about to be queued: the live message's, else its sender's client. A
// notice whose sender has closed, or a message restored after a restart, has no known client.
std::shared_ptr<Engine::Account> Engine::account_of(const MessageView& view) {
    auto it = live_.find(view->id);
    if (it != live_.end()) return it->second->account;
    if (const ProcidState* p = find_procid(view->sender)) return p->account;
    if (!departed_) {
        departed_ = std::make_shared<Account>();
        departed_->client = "(departed)";
    }
    return departed_;
}

void Engine::charge(Account& a, std::size_t Account::*counter, bool add, std::size_t bytes) {
    auto step = [add](std::size_t& n, std::size_t by) { n = add ? n + by : n - by; };
    step(a.*counter, 1);
    step(a.bytes, bytes);
    step(bytes_, bytes);
    if (a.orphan()) {
        step(orphaned_, 1);
        step(orphaned_bytes_, bytes);
    }
}

// Whether the client may make the engine keep `bytes` more.
bool Engine::fits(const Account& a, std::size_t bytes) const {
    const Limits& limits = options_.limits;
    return a.bytes + bytes <= limits.bytes && bytes_ + bytes <= limits.bytes_total;
}

// A message is to wait behind a ptype's launch. A live original is charged already; a notice or an
// observer copy is charged here to the client that sent it, and past a bound it does not wait
// (false): there is nobody to tell (a send over the bound was refused already), so the host logs it.
bool Engine::hold(Waiting& item, Effects& out) {
    if (item.payer != nullptr || (item.promise_ptype.empty() && live_.count(item.view->id) != 0)) return true;
    std::shared_ptr<Account> payer = account_of(item.view);
    const std::size_t bytes = message_bytes(*item.view);
    const Limits& limits = options_.limits;
    if (payer->waiting >= limits.waiting || waiting_ >= limits.waiting_total || !fits(*payer, bytes)) {
        out.push_back(Dropped{payer->client, 1, DropCause::WAITING_FULL});
        return false;
    }
    charge(*payer, &Account::waiting, true, bytes);
    ++waiting_;
    item.payer = std::move(payer);
    item.bytes = bytes;
    item.seq = next_seq_++;
    return true;
}

// The message no longer waits (its launch delivered it, failed, or it was dropped).
void Engine::unhold(Waiting& item) {
    if (item.payer == nullptr) return;
    charge(*item.payer, &Account::waiting, false, item.bytes);
    --waiting_;
    item.payer.reset();
    item.bytes = 0;
}

void Engine::keep_live(std::unique_ptr<LiveMessage> live) {
    live->seq = next_seq_++;
    live->bytes = message_bytes(*live->body);
    charge(*live->account, &Account::live, true, live->bytes);
    const std::string& id = live->body->id;  // in the message, which the map keeps
    live_.emplace(id, std::move(live));
}

void Engine::queue_add(std::unique_ptr<QueueEntry> entry) {
    entry->seq = next_seq_++;
    charge(*entry->account, &Account::queued, true, entry->bytes);
    queue_.push_back(std::move(entry));
}

std::vector<std::unique_ptr<Engine::QueueEntry>>::iterator Engine::unqueue(
    std::vector<std::unique_ptr<QueueEntry>>::iterator it, Effects& out) {
    const QueueEntry& e = **it;
    out.push_back(Dequeued{e.key, e.ptype, e.item.view->id});
    charge(*e.account, &Account::queued, false, e.bytes);
    return queue_.erase(it);
}

// A procid of the client closed. When it was the last, the client is gone: what it is still
// charged for becomes orphaned and must fit the budget.
void Engine::procid_left(const std::shared_ptr<Account>& a, Effects& out) {
    if (--a->procids > 0) return;
    accounts_.erase(a->client);
    a->gone = next_gone_++;
    orphaned_ += a->live + a->queued + a->waiting;
    orphaned_bytes_ += a->bytes;
    keep_orphans_bounded(out);
}

// Over the orphan budget (in messages or in bytes), the gone client that left the most pays first, newest message first;
// between equals the one that went last. A live message goes with its own queue entries and its
// place behind a launch; it is failed with ERR_OVERFLOW (nobody waits for its update, but its
// observers see the outcome). Classic ToolTalk keeps a quit sender's requests for their handler
// without limit: so do we, up to the budget.
void Engine::keep_orphans_bounded(Effects& out) {
    const Limits& limits = options_.limits;
    auto over = [&] { return orphaned_ > limits.orphaned || orphaned_bytes_ > limits.orphaned_bytes; };
    if (!over()) return;
    struct Kept {
        std::uint64_t seq;
        std::string live_id;  // a live message, or
        QueueEntry* entry;    // a queue entry of a notice or an observer's copy, or
        bool waiting;         // (seq) a notice or copy waiting behind a launch
    };
    std::unordered_map<Account*, std::vector<Kept>> kept;
    for (const auto& [id, live] : live_) {
        if (live->account->orphan()) kept[live->account.get()].push_back({live->seq, id, nullptr, false});
    }
    for (const auto& e : queue_) {
        const bool of_live = e->item.promise_ptype.empty() && live_.count(e->item.view->id) != 0;
        if (e->account->orphan() && !of_live) kept[e->account.get()].push_back({e->seq, {}, e.get(), false});
    }
    for (const auto& [ptype, ps] : starts_) {
        for (const Waiting& w : ps->waiting) {
            if (w.payer != nullptr && w.payer->orphan()) kept[w.payer.get()].push_back({w.seq, {}, nullptr, true});
        }
    }
    for (auto& [a, list] : kept) {
        std::sort(list.begin(), list.end(), [](const Kept& x, const Kept& y) { return x.seq < y.seq; });
    }
    auto weight = [](const Account* a) { return a->live + a->queued + a->waiting; };
    std::vector<std::pair<Account*, std::size_t>> dropped;
    auto remove_entries = [&](auto&& which) {
        for (auto it = queue_.begin(); it != queue_.end();) it = which(**it) ? unqueue(it, out) : std::next(it);
    };
    while (over()) {
        Account* worst = nullptr;
        for (const auto& [a, list] : kept) {
            if (list.empty()) continue;
            if (worst == nullptr || weight(a) > weight(worst) || (weight(a) == weight(worst) && a->gone > worst->gone)) {
                worst = a;
            }
        }
        if (worst == nullptr) break;  // what is over the budget is not the orphans' (cannot happen)
        const Kept k = kept[worst].back();
        kept[worst].pop_back();
        auto counted = std::find_if(dropped.begin(), dropped.end(), [&](const auto& d) { return d.first == worst; });
        if (counted == dropped.end()) counted = dropped.insert(dropped.end(), {worst, 0});
        ++counted->second;
        if (k.entry != nullptr) {
            remove_entries([&](const QueueEntry& e) { return &e == k.entry; });
            continue;
        }
        if (k.waiting) {
            for (auto& [ptype, ps] : starts_) {
                std::erase_if(ps->waiting, [&](Waiting& w) {
                    if (w.payer == nullptr || w.seq != k.seq) return false;
                    unhold(w);
                    return true;
                });
            }
            continue;
        }
        remove_entries([&](const QueueEntry& e) { return e.item.promise_ptype.empty() && e.item.view->id == k.live_id; });
        for (auto& [ptype, ps] : starts_) {
            std::erase_if(ps->waiting, [&](const Waiting& w) { return w.promise_ptype.empty() && w.view->id == k.live_id; });
        }
        fail_message(live_.at(k.live_id).get(), Status::ERR_OVERFLOW, out);
    }
    for (const auto& [a, n] : dropped) out.push_back(Dropped{a->client, n, DropCause::ORPHANED});
}

}  // namespace ttbus::core
