// libFuzzer target: the engine under a random sequence of events with random fields.
//
// Each input byte string is read as a program: an opcode byte picks the event, following bytes pick
// its arguments from small pools (procids, sessions, ops, files, ptypes) so that events meet each
// other often. Besides "no crash, no sanitizer report", the engine's own promises are checked: an
// error status appends no effect, and every effect names a procid that exists (or a sender that
// just left).
#include "core/engine.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ttbus::core;

namespace {

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
    bool done() const { return p_ >= end_; }
    std::uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
    template <typename T>
    const T& pick(const std::vector<T>& pool) { return pool[byte() % pool.size()]; }
    std::int32_t small_int() { return static_cast<std::int32_t>(byte()) - 8; }

private:
    const std::uint8_t* p_;
    const std::uint8_t* end_;
};

const std::vector<std::string> sessions{"S1", "S2", "nope"};
const std::vector<std::string> ops{"", "ShowLine", "Edit", "Quit"};
const std::vector<std::string> files{"", "/a", "/b"};
const std::vector<std::string> ptypes{"Editor", "Watcher", "Nope", ""};
const std::vector<std::string> vtypes{"int", "string", "ALL", ""};

std::shared_ptr<const TypeDb> types() {
    auto sig = [](Category c, Scope s, const std::string& op, Disposition d) {
        Signature x;
        x.category = c;
        x.scope = s;
        x.op = op;
        x.disposition = d;
        return x;
    };
    Ptype editor{"Editor", "editor", {}, {sig(Category::HANDLE, Scope::SESSION, "Edit", Disposition::START),
                                          sig(Category::HANDLE, Scope::SESSION, "ShowLine", static_cast<Disposition>(3)),
                                          sig(Category::OBSERVE, Scope::SESSION, "Quit", Disposition::QUEUE)}, "", ""};
    Ptype watcher{"Watcher", "", {}, {sig(Category::OBSERVE, Scope::BOTH, "Edit", Disposition::START),
                                      sig(Category::HANDLE_ROTATE, Scope::SESSION, "Quit", Disposition::QUEUE)}, "", ""};
    Otype doc;
    doc.id = "Doc";
    Signature print = sig(Category::HANDLE, Scope::SESSION, "Edit", Disposition::DISCARD);
    print.ptype = "Editor";
    doc.signatures.push_back(print);
    return TypeDb::build({editor, watcher}, {doc});
}

Value value(Input& in) {
    switch (in.byte() % 3) {
    case 0: return {};
    case 1: return in.small_int();
    default: return std::string(in.byte() % 3, 'x');
    }
}

Pattern pattern(Input& in) {
    Pattern p;
    p.category = static_cast<Category>(in.byte() % 6);
    p.scopes = EnumSet<Scope>::from_bits(in.byte() & 0x3f);
    p.classes = EnumSet<Class>::from_bits(in.byte() & 0x1f);
    p.states = EnumSet<State>::from_bits(in.byte() % 4 == 0 ? 2u : 0u);
    p.dispositions = EnumSet<Disposition>::from_bits(in.byte() & 0x1f);
    for (int i = in.byte() % 3; i > 0; --i) p.ops.push_back(in.pick(ops));
    for (int i = in.byte() % 2; i > 0; --i) p.sessions.push_back(in.pick(sessions));
    for (int i = in.byte() % 2; i > 0; --i) p.files.push_back(in.pick(files));
    for (int i = in.byte() % 3; i > 0; --i) p.args.push_back({static_cast<Mode>(in.byte() % 5), in.pick(vtypes), value(in)});
    if (in.byte() % 4 == 0) p.contexts.push_back({"$CTX", {}});
    return p;
}

Message message(Input& in, const std::vector<std::string>& procids) {
    Message m;
    m.body.cls = static_cast<Class>(in.byte() % 5);
    m.body.address = static_cast<Address>(in.byte() % 5);
    m.body.op = in.pick(ops);
    m.body.file = in.pick(files);
    m.body.session = in.byte() % 2 ? in.pick(sessions) : "";
    m.body.otype = in.byte() % 4 == 0 ? "Doc" : "";
    m.body.object = m.body.otype.empty() ? "" : "obj";
    m.header.scope = static_cast<Scope>(in.byte() % 6);
    m.header.disposition = static_cast<Disposition>(in.byte() % 5);
    m.header.handler_ptype = in.byte() % 4 == 0 ? in.pick(ptypes) : "";
    if (!procids.empty() && in.byte() % 3 == 0) m.header.handler = in.pick(procids);
    for (int i = in.byte() % 3; i > 0; --i) m.body.args.push_back({static_cast<Mode>(in.byte() % 5), in.pick(vtypes), value(in)});
    if (in.byte() % 3 == 0) m.body.contexts.push_back({"$CTX", value(in)});
    return m;
}

// Every effect must concern a procid the engine knows (updates may go to a sender that is leaving).
void check_effects(const Engine& e, const Effects& fx) {
    for (const auto& effect : fx) {
        if (const auto* d = std::get_if<Delivery>(&effect)) {
            if (!e.procid_info(d->procid)) std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    Engine e;
    e.session_create("S1");
    e.session_create("S2");
    e.set_types(types());
    std::vector<std::string> procids;
    std::vector<std::string> messages;
    std::vector<std::string> tokens;
    for (int steps = 0; !in.done() && steps < 200; ++steps) {
        Effects fx;
        Status s = Status::OK;
        const std::string procid = procids.empty() ? std::string("ghost") : in.pick(procids);
        switch (in.byte() % 14) {
        case 0: {
            std::string id;
            std::string token = !tokens.empty() && in.byte() % 2 ? in.pick(tokens) : in.pick(ptypes);
            s = e.open({in.pick(sessions), 0, 0, token}, fx, &id);
            if (s == Status::OK) procids.push_back(id);
            break;
        }
        case 1: s = e.close(procid, in.byte() % 2 ? CloseReason::DIED : CloseReason::CLOSED, fx); break;
        case 2: s = e.session_join(procid, in.pick(sessions), fx); break;
        case 3: s = e.file_join(procid, in.pick(files), fx); break;
        case 4: s = e.ptype_declare(procid, in.pick(ptypes), fx); break;
        case 5: s = e.pattern_register(procid, pattern(in), nullptr); break;
        case 6: {
            std::string id;
            s = e.send(procid, message(in, procids), fx, &id);
            if (s == Status::OK) messages.push_back(id);
            break;
        }
        case 7:
            if (!messages.empty()) s = e.reply(procid, in.pick(messages), Answer{{value(in)}, in.small_int(), "r"}, fx);
            break;
        case 8:
            if (!messages.empty()) s = e.fail(procid, in.pick(messages), Answer{{}, 1600, "f"}, fx);
            break;
        case 9:
            if (!messages.empty()) s = e.reject(procid, in.pick(messages), fx);
            break;
        case 10:
            if (!messages.empty()) s = in.byte() % 2 ? e.accept(procid, in.pick(messages), fx) : e.abstain(procid, in.pick(messages), fx);
            break;
        case 11:
            if (!tokens.empty()) s = e.launch_ended(in.pick(tokens), fx);
            break;
        case 12: s = e.send_on_exit(procid, message(in, procids)); break;
        case 13: s = e.context_join(procid, "$CTX", value(in)); break;
        }
        if (is_error(s) && !fx.empty()) std::abort();  // an error changes nothing
        for (const auto& effect : fx) {
            if (const auto* st = std::get_if<StartPtype>(&effect)) tokens.push_back(st->token);
        }
        check_effects(e, fx);
    }
    return 0;
}
