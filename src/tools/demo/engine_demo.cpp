// ttbus-engine-demo: the guide's debugger/editor ShowLine exchange run through the engine,
// printing every event and every effect. No bus: the demo plays the host and the processes.
#include "core/engine.h"

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace ttbus::core;

namespace {

std::string show(const MessageView& m) {
    std::string s = std::string(name(m->cls)) + " " + m->op + " [" + std::string(name(m.header.state)) + "]";
    if (!m.header.handler_ptype.empty()) s += " handler_ptype=" + m.header.handler_ptype;
    if (m.header.opnum >= 0) s += " opnum=" + std::to_string(m.header.opnum);
    if (m.header.status != 0) s += " status=" + std::to_string(m.header.status);
    for (const auto& a : m->args) s += " " + std::string(name(a.mode)) + ":" + a.vtype + "=" + to_display(a.value);
    return s;
}

// Prints the effects and hands back the token of the last start, if any.
std::string print(Effects& fx) {
    std::string token;
    for (const auto& e : fx) {
        if (const auto* d = std::get_if<Delivery>(&e)) {
            const char* kind = d->kind == DeliveryKind::HANDLE ? "handle" : d->kind == DeliveryKind::VOTE ? "vote" : "observe";
            std::printf("    -> deliver to %s (%s%s): %s\n", d->procid.c_str(), kind,
                        d->start_message ? ", start message" : "", show(d->message).c_str());
        } else if (const auto* u = std::get_if<Update>(&e)) {
            std::printf("    -> update sender %s: %s\n", u->procid.c_str(), show(u->message).c_str());
        } else if (const auto* s = std::get_if<StartPtype>(&e)) {
            std::printf("    -> start ptype %s: /bin/sh -c '%s' with TT_TOKEN=%s\n", s->ptype.c_str(),
                        s->command.c_str(), s->token.c_str());
            token = s->token;
        } else if (const auto* q = std::get_if<Queued>(&e)) {
            std::printf("    -> queue for %s: %s\n", q->ptype.c_str(), show(q->message).c_str());
        } else if (const auto* dq = std::get_if<Dequeued>(&e)) {
            std::printf("    -> dequeued %s\n", dq->message_id.c_str());
        }
    }
    fx.clear();
    return token;
}

void step(const char* what, Status s) {
    std::printf("%s: %s\n", what, std::string(status_name(s)).c_str());
    if (is_error(s)) std::exit(1);
}

}  // namespace

int main() {
    Engine engine;
    Effects fx;
    const std::string session = "demo-session";
    const std::string file = "localhost:/home/astrid/src/ebe.c";

    // The editor's ptype, as a types file would give it.
    Ptype editor;
    editor.id = "TextEditor";
    editor.start = "texteditor -server";
    Signature show_line;
    show_line.category = Category::HANDLE;
    show_line.scope = Scope::SESSION;
    show_line.op = "ShowLine";
    show_line.args = {{Mode::IN, "int", "line", {}}};
    show_line.disposition = Disposition::START;
    show_line.opnum = 7;
    editor.signatures.push_back(show_line);
    engine.set_types(TypeDb::build({editor}, {}));
    step("session_create", engine.session_create(session));

    std::string debugger, browser, texteditor;
    step("debugger: tt_open", engine.open({session, 1000, 1000, {}}, fx, &debugger));
    step("browser: tt_open", engine.open({session, 1000, 1000, {}}, fx, &browser));
    Pattern watch;
    watch.category = Category::OBSERVE;
    watch.scopes.add(Scope::SESSION);
    watch.ops = {"ShowLine"};
    step("browser: observe ShowLine", engine.pattern_register(browser, watch, nullptr));
    step("browser: tt_session_join", engine.session_join(browser, session, fx));

    std::printf("\nThe debugger hits a breakpoint and asks for line 128 of %s\n", file.c_str());
    Message m;
    m.body.cls = Class::REQUEST;
    m.body.address = Address::PROCEDURE;
    m.body.op = "ShowLine";
    m.body.file = file;
    m.body.args = {{Mode::IN, "int", std::int32_t{128}}};
    m.header.scope = Scope::SESSION;
    std::string id;
    step("debugger: tt_message_send", engine.send(debugger, m, fx, &id));
    std::string token = print(fx);

    std::printf("\nThe host starts the editor; it opens with its token, declares its ptype and joins\n");
    step("editor: tt_open", engine.open({session, 1000, 1000, token}, fx, &texteditor));
    print(fx);
    step("editor: tt_ptype_declare", engine.ptype_declare(texteditor, "TextEditor", fx));
    step("editor: tt_session_join", engine.session_join(texteditor, session, fx));
    print(fx);

    std::printf("\nThe editor scrolls to the line and replies\n");
    step("editor: tt_message_reply", engine.reply(texteditor, id, {}, fx));
    print(fx);

    std::printf("\nA second ShowLine goes straight to the running editor\n");
    m.body.args[0].value = std::int32_t{131};
    step("debugger: tt_message_send", engine.send(debugger, m, fx, &id));
    print(fx);
    step("editor: tt_message_reply", engine.reply(texteditor, id, {}, fx));
    print(fx);
    return 0;
}
