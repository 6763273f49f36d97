// The Desktop message set: joining a session (ttdt_open/close, ttdt_session_join/quit), accepting
// a contract and managing a subcontract, and the Status/Started/Stopped notices.
#include "toolkit.h"

#include <cstdlib>
#include <cstring>
#include <vector>

using namespace tttk;

namespace {

// The desktop requests, grouped as classic tttk registers them, with how many args come before
// the optional messageID that names a contract.
struct Group {
    std::vector<Tttk_op> ops;
    int args;
};

const std::vector<Group>& contract_groups() {
    static const std::vector<Group> groups{
        {{TTDT_GET_GEOMETRY}, 4},
        {{TTDT_SET_GEOMETRY}, 4},
        {{TTDT_GET_ICONIFIED, TTDT_GET_MAPPED}, 1},
        {{TTDT_SET_ICONIFIED, TTDT_SET_MAPPED}, 1},
        {{TTDT_GET_XINFO}, 3},
        {{TTDT_SET_XINFO}, 3},
        {{TTDT_RAISE, TTDT_LOWER}, 0},
        {{TTDT_QUIT}, 2},
        {{TTDT_PAUSE, TTDT_RESUME}, 0},
        {{TTDT_GET_STATUS}, 4},
    };
    return groups;
}

// Built on first use: loading libtt runs no constructor of the toolkit's.
const std::vector<Tttk_op>& posix_ops() {
    static const std::vector<Tttk_op> ops{TTDT_SET_LOCALE,    TTDT_GET_LOCALE,    TTDT_SET_ENVIRONMENT,
                                          TTDT_GET_ENVIRONMENT, TTDT_SET_SITUATION, TTDT_GET_SITUATION,
                                          TTDT_SIGNAL,        TTDT_GET_SYSINFO};
    return ops;
}

// Get_Status answers name the tool before the application sees them.
void prefill_status(Tt_message m) {
    const Tool& t = tool();
    tt_message_arg_val_set(m, 1, t.vendor.c_str());
    tt_message_arg_val_set(m, 2, t.name.c_str());
    tt_message_arg_val_set(m, 3, t.version.c_str());
}

// The application's callback first, then the shell widget; what neither takes goes on to
// tt_message_receive (and tttk_Xt_input_handler abandons it).
Tt_callback_action answer_desktop(Tt_message m, Tt_pattern p) {
    Binding* b = binding_of(p);
    if (b == nullptr) return TT_CALLBACK_CONTINUE;
    Tttk_op op;
    {
        Scratch scratch;
        op = tttk_string_op(tt_message_op(m));
    }
    if (op == TTDT_GET_STATUS) prefill_status(m);
    if (b->contract_cb != nullptr && b->contract_cb(m, b->clientdata, b->contract) == nullptr) {
        return TT_CALLBACK_PROCESSED;
    }
    if (shell_answers(m, op, b->shell)) return TT_CALLBACK_PROCESSED;
    if (op == TTDT_GET_STATUS) {
        tt_message_reply(m);
        tttk_message_destroy(m);
        return TT_CALLBACK_PROCESSED;
    }
    return TT_CALLBACK_CONTINUE;
}

// A pattern for ops, bound to the application's callback; with a contract it only matches
// requests whose messageID arg (after `args` others) names that contract.
Tt_pattern desktop_pattern(Tt_category cat, const std::vector<Tttk_op>& ops, int args, Ttdt_contract_cb cb,
                           Widget shell, void* clientdata, Tt_message contract, const char* session,
                           Tt_message_callback answer = answer_desktop) {
    auto* b = new Binding;
    b->contract_cb = cb;
    b->clientdata = clientdata;
    b->shell = shell;
    b->contract = contract;
    Tt_pattern p = make_pattern(cat, TT_SESSION, ops, b, answer);
    if (tt_ptr_error(p) != TT_OK) return p;
    Tt_status s = TT_OK;
    if (contract != nullptr) {
        Scratch scratch;
        for (int i = 0; i < args && s == TT_OK; ++i) s = tt_pattern_arg_add(p, TT_MODE_UNDEFINED, "ALL", nullptr);
        if (s == TT_OK) s = tt_pattern_arg_add(p, TT_IN, Tttk_message_id, tt_message_id(contract));
    }
    if (s == TT_OK) s = register_pattern(p, session);
    if (s == TT_OK) return p;
    delete b;
    tt_pattern_destroy(p);
    return static_cast<Tt_pattern>(tt_error_pointer(s));
}

// Builds the array, or destroys what was made and returns the first error.
class Patterns {
  public:
    void add(Tt_pattern p) {
        if (status_ != TT_OK) return;
        if ((status_ = tt_ptr_error(p)) == TT_OK) pats_ = append_pattern(pats_, p);
    }
    Tt_pattern* finish() {
        if (status_ == TT_OK && pats_ != nullptr) return pats_;
        destroy_patterns(pats_);
        return static_cast<Tt_pattern*>(tt_error_pointer(status_ != TT_OK ? status_ : TT_ERR_NOMEM));
    }

  private:
    Tt_pattern* pats_ = nullptr;
    Tt_status status_ = TT_OK;
};

Tt_status send_tool_notice(Tttk_op op) {
    const Tool& t = tool();
    // Classic sends toolName, vendor, version (its manual says vendor first).
    Tt_message m = make_message(TT_NOTICE, TT_SESSION, nullptr, op, {t.name.c_str(), t.vendor.c_str(), t.version.c_str()});
    if (Tt_status s = tt_ptr_error(m); s != TT_OK) return s;
    Tt_status s = tt_message_send(m);
    tt_message_destroy(m);
    return s;
}

// Tells the contract's sender what became of it.
Tt_status send_status(Tt_message contract, const char* status) {
    Scratch scratch;
    const Tool& t = tool();
    char* sender = tt_message_sender(contract);
    if (Tt_status s = tt_ptr_error(sender); s != TT_OK) return s;
    Tt_message m = make_message(TT_NOTICE, TT_SESSION, sender, TTDT_STATUS,
                                {status, t.name.c_str(), t.vendor.c_str(), t.version.c_str()});
    if (Tt_status s = tt_ptr_error(m); s != TT_OK) return s;
    Tt_status s = tt_message_arg_add(m, TT_IN, Tttk_message_id, tt_message_id(contract));
    if (s == TT_OK) s = tt_message_send(m);
    tt_message_destroy(m);
    return s;
}

// Waits for the answer of a request for the commission's sender (or handler), with out args of
// the given vtypes and the commission's messageID last.
Tt_message ask_about(const char* handler, Tt_message commission, Tttk_op op, std::initializer_list<const char*> outs) {
    Scratch scratch;
    const char* to = handler;
    if (to == nullptr) to = tt_message_sender(commission);
    Tt_message m = tttk_message_create(nullptr, TT_REQUEST, TT_SESSION, to, op_name(op), nullptr);
    if (tt_ptr_error(m) != TT_OK) return m;
    Tt_status s = TT_OK;
    for (const char* vtype : outs) {
        if (s != TT_OK) break;
        s = std::strcmp(vtype, Tttk_string) == 0 ? tt_message_arg_add(m, TT_OUT, vtype, nullptr)
                                                 : tt_message_iarg_add(m, TT_OUT, vtype, 0);
    }
    if (s == TT_OK) s = tt_message_arg_add(m, TT_IN, Tttk_message_id, tt_message_id(commission));
    if (s == TT_OK) return m;
    tt_message_destroy(m);
    return static_cast<Tt_message>(tt_error_pointer(s));
}

}  // namespace

extern "C" {

char* ttdt_open(int* tt_fd_out, const char* toolname, const char* vendor, const char* version, int sendStarted) {
    char* procid = tt_open();
    if (tt_ptr_error(procid) != TT_OK) return procid;
    int fd = tt_fd();
    if (fd < 0) return static_cast<char*>(tt_error_pointer(tt_int_error(fd)));
    if (tt_fd_out != nullptr) *tt_fd_out = fd;
    tool() = Tool{toolname != nullptr ? toolname : "", vendor != nullptr ? vendor : "",
                  version != nullptr ? version : ""};
    if (sendStarted) send_tool_notice(TTDT_STARTED);
    return procid;
}

Tt_status ttdt_close(const char* procid, const char* newprocid, int sendStopped) {
    Tt_status s = TT_OK;
    if (procid != nullptr) s = tt_default_procid_set(procid);
    if (s == TT_OK && sendStopped) send_tool_notice(TTDT_STOPPED);
    if (s == TT_OK) s = tt_close();
    if (s == TT_OK && newprocid != nullptr) s = tt_default_procid_set(newprocid);
    return s;
}

Tt_pattern* ttdt_session_join(const char* sessid, Ttdt_contract_cb cb, Widget shell, void* clientdata, int join) {
    Scratch scratch;
    const char* session = sessid != nullptr ? sessid : tt_default_session();
    if (Tt_status s = tt_ptr_error(session); s != TT_OK) return static_cast<Tt_pattern*>(tt_error_pointer(s));
    Patterns pats;
    for (const Group& g : contract_groups()) {
        pats.add(desktop_pattern(TT_HANDLE, g.ops, 0, cb, shell, clientdata, nullptr, session));
    }
    pats.add(desktop_pattern(TT_HANDLE, {TTDT_DO_COMMAND}, 0, cb, shell, clientdata, nullptr, session));
    pats.add(desktop_pattern(TT_HANDLE, posix_ops(), 0, nullptr, nullptr, nullptr, nullptr, session, answer_posix));
    Tt_pattern* result = pats.finish();
    if (join && tt_ptr_error(result) == TT_OK) {
        if (Tt_status s = tt_session_join(session); s != TT_OK && s != TT_WRN_SAME_OBJID) {
            destroy_patterns(result);
            return static_cast<Tt_pattern*>(tt_error_pointer(s));
        }
    }
    return result;
}

Tt_status ttdt_session_quit(const char* sessid, Tt_pattern* sess_pats, int quit) {
    destroy_patterns(sess_pats);
    if (!quit) return TT_OK;
    Scratch scratch;
    const char* session = sessid != nullptr ? sessid : tt_default_session();
    if (Tt_status s = tt_ptr_error(session); s != TT_OK) return s;
    return tt_session_quit(session);
}

Tt_pattern* ttdt_message_accept(Tt_message contract, Ttdt_contract_cb cb, Widget shell, void* clientdata, int accept,
                                int sendStatus) {
    if (Tt_status s = tt_ptr_error(contract); s != TT_OK || contract == nullptr) {
        return static_cast<Tt_pattern*>(tt_error_pointer(TT_ERR_POINTER));
    }
    if (accept) {
        if (Tt_status s = tt_message_accept(contract); s != TT_OK) return static_cast<Tt_pattern*>(tt_error_pointer(s));
    }
    Patterns pats;
    for (const Group& g : contract_groups()) {
        pats.add(desktop_pattern(TT_HANDLE, g.ops, g.args, cb, shell, clientdata, contract, nullptr));
    }
    Tt_pattern* result = pats.finish();
    if (tt_ptr_error(result) != TT_OK) return result;
    tt_message_user_set(contract, key(patterns_tag), result);
    if (sendStatus) send_status(contract, "Accepted");
    return result;
}

Tt_pattern* ttdt_subcontract_manage(Tt_message subcontract, Ttdt_contract_cb cb, Widget shell, void* clientdata) {
    if (Tt_status s = tt_ptr_error(subcontract); s != TT_OK || subcontract == nullptr) {
        return static_cast<Tt_pattern*>(tt_error_pointer(TT_ERR_POINTER));
    }
    Patterns pats;
    pats.add(desktop_pattern(TT_HANDLE, {TTDT_GET_GEOMETRY}, 4, cb, shell, clientdata, subcontract, nullptr));
    pats.add(desktop_pattern(TT_HANDLE, {TTDT_GET_XINFO}, 3, cb, shell, clientdata, subcontract, nullptr));
    // Classic registers an observer; the Status notice is handler-addressed to us, and such a
    // message reaches only handle patterns (and a notice reaches one handler besides observers).
    pats.add(desktop_pattern(TT_HANDLE, {TTDT_STATUS}, 4, cb, shell, clientdata, subcontract, nullptr));
    Tt_pattern* result = pats.finish();
    if (tt_ptr_error(result) == TT_OK) tt_message_user_set(subcontract, key(patterns_tag), result);
    return result;
}

// Takes on the display and geometry of the commission's sender (or of handler).
Tt_status ttdt_sender_imprint_on(const char* handler, Tt_message commission, char** display, int* width, int* height,
                                 int* xoffset, int* yoffset, XtAppContext app2run, int ms_timeout) {
    Tt_message xinfo = ask_about(handler, commission, TTDT_GET_XINFO, {Tttk_string, Tttk_string, Tttk_integer});
    if (Tt_status s = tt_ptr_error(xinfo); s != TT_OK) return s;
    Tt_status s = send_and_wait(xinfo, app2run, ms_timeout);
    if (s != TT_OK) return s;
    std::string name = arg_string(xinfo, 0);
    tttk_message_destroy(xinfo);
    if (display != nullptr) {
        *display = static_cast<char*>(tt_malloc(name.size() + 1));
        if (*display != nullptr) std::strcpy(*display, name.c_str());
    } else {
        setenv("DISPLAY", name.c_str(), 1);
    }
    Tt_message geometry = ask_about(handler, commission, TTDT_GET_GEOMETRY,
                                    {Tttk_width, Tttk_height, Tttk_xoffset, Tttk_yoffset});
    if (s = tt_ptr_error(geometry); s != TT_OK) return s;
    if ((s = send_and_wait(geometry, app2run, ms_timeout)) != TT_OK) return s;
    int* outs[] = {width, height, xoffset, yoffset};
    for (int i = 0; i < 4; ++i) {
        if (outs[i] != nullptr) tt_message_arg_ival(geometry, i, outs[i]);
    }
    tttk_message_destroy(geometry);
    return TT_OK;
}

}  // extern "C"
