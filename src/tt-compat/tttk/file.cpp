// Files in the Desktop message set: observing a file (ttdt_file_join), telling others about it
// (ttdt_file_event, ttdt_file_notice), and asking its editor (ttdt_Get_Modified/Save/Revert,
// ttdt_file_request).
#include "toolkit.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

using namespace tttk;

namespace {

Tt_scope file_scope(Tt_scope scope) {
    return scope == TT_SCOPE_NONE ? TT_BOTH : scope;
}

bool sent_by_me(Tt_message m) {
    Scratch scratch;
    char* sender = tt_message_sender(m);
    char* me = tt_default_procid();
    return tt_ptr_error(sender) == TT_OK && tt_ptr_error(me) == TT_OK && sender != nullptr && me != nullptr &&
           std::strcmp(sender, me) == 0;
}

// The application's file callback, told who sent the message. The path is its to tt_free.
Tt_message call_file_cb(const Binding& b, Tt_message m, Tttk_op op) {
    char* file = tt_message_file(m);
    int same_ids = tt_message_uid(m) == geteuid() && tt_message_gid(m) == getegid();
    return b.file_cb(m, op, tt_ptr_error(file) == TT_OK ? file : nullptr, b.clientdata, same_ids, sent_by_me(m));
}

Tttk_op op_of(Tt_message m) {
    Scratch scratch;
    return tttk_string_op(tt_message_op(m));
}

// Notices about the file, and (while it is modified) Save/Revert/Get_Modified requests for it.
// Get_Modified is answered here when the application does not: the handler exists only while
// the file is modified.
Tt_callback_action on_file_message(Tt_message m, Tt_pattern p) {
    Binding* b = binding_of(p);
    if (b == nullptr || b->file_cb == nullptr) return TT_CALLBACK_CONTINUE;
    Tttk_op op = op_of(m);
    if (call_file_cb(*b, m, op) == nullptr) return TT_CALLBACK_PROCESSED;
    if (op == TTDT_GET_MODIFIED) {
        tt_message_arg_ival_set(m, 1, 1);
        tt_message_reply(m);
        tttk_message_destroy(m);
        return TT_CALLBACK_PROCESSED;
    }
    return TT_CALLBACK_CONTINUE;
}

// The answer to a ttdt_file_request, for its callback.
Tt_callback_action on_file_reply(Tt_message m, Tt_pattern) {
    void* b = tt_message_user(m, key(binding_tag));
    if (b == nullptr || tt_ptr_error(b) != TT_OK) return TT_CALLBACK_CONTINUE;
    auto* binding = static_cast<Binding*>(b);
    if (!answered(m)) return until_answered(m);
    return call_file_cb(*binding, m, binding->op) == nullptr ? TT_CALLBACK_PROCESSED : TT_CALLBACK_CONTINUE;
}

Tt_pattern file_pattern(Tt_category cat, const std::vector<Tttk_op>& ops, const Binding& like) {
    auto* b = new Binding(like);
    Tt_pattern p = make_pattern(cat, like.scope, ops, b, on_file_message);
    if (tt_ptr_error(p) != TT_OK) return p;
    if (Tt_status s = register_pattern(p); s != TT_OK) {
        delete b;
        tt_pattern_destroy(p);
        return static_cast<Tt_pattern>(tt_error_pointer(s));
    }
    return p;
}

// A message about file: its op's standard args (the file's ID, and Get_Modified's answer).
Tt_message file_message(Tt_class cls, Tttk_op op, Tt_scope scope, const char* file) {
    Tt_message m = tttk_message_create(nullptr, cls, file_scope(scope), nullptr, op_name(op), nullptr);
    if (tt_ptr_error(m) != TT_OK) return m;
    Tt_status s = tt_message_file_set(m, file);
    if (s == TT_OK) s = tt_message_arg_add(m, TT_IN, Tttk_file, nullptr);
    if (s == TT_OK && op == TTDT_GET_MODIFIED) s = tt_message_iarg_add(m, TT_OUT, Tttk_boolean, 0);
    if (s == TT_OK) return m;
    tt_message_destroy(m);
    return static_cast<Tt_message>(tt_error_pointer(s));
}

// Sends a request about the file and waits for its answer.
Tt_status ask_file(Tt_message context, Tttk_op op, const char* pathname, Tt_scope scope, XtAppContext app,
                   int ms_timeout, int* modified = nullptr) {
    Tt_message m = ttdt_file_request(context, op, scope, pathname, nullptr, nullptr, 0);
    if (Tt_status s = tt_ptr_error(m); s != TT_OK) return s;
    bool timed_out = false;
    Tt_status s = send_and_wait(m, app, ms_timeout, &timed_out);
    if (timed_out) return s;
    if (s == TT_OK && modified != nullptr) tt_message_arg_ival(m, 1, modified);
    tttk_message_destroy(m);
    return s;
}

}  // namespace

extern "C" {

Tt_pattern* ttdt_file_join(const char* pathname, Tt_scope scope, int join, Ttdt_file_cb cb, void* clientdata) {
    if (pathname == nullptr) return static_cast<Tt_pattern*>(tt_error_pointer(TT_ERR_FILE));
    Binding b;
    b.file_cb = cb;
    b.clientdata = clientdata;
    b.file = pathname;
    b.scope = file_scope(scope);
    Tt_pattern p = file_pattern(TT_OBSERVE, {TTDT_DELETED, TTDT_MODIFIED, TTDT_REVERTED, TTDT_MOVED, TTDT_SAVED}, b);
    if (tt_ptr_error(p) != TT_OK && scope == TT_SCOPE_NONE) {
        b.scope = TT_FILE_IN_SESSION;
        p = file_pattern(TT_OBSERVE, {TTDT_DELETED, TTDT_MODIFIED, TTDT_REVERTED, TTDT_MOVED, TTDT_SAVED}, b);
    }
    if (Tt_status s = tt_ptr_error(p); s != TT_OK) return static_cast<Tt_pattern*>(tt_error_pointer(s));
    if (join) {
        if (Tt_status s = tt_file_join(pathname); s != TT_OK) {
            delete binding_of(p);
            tt_pattern_destroy(p);
            return static_cast<Tt_pattern*>(tt_error_pointer(s));
        }
    }
    Tt_pattern* pats = pattern_array({p});
    if (pats == nullptr) return static_cast<Tt_pattern*>(tt_error_pointer(TT_ERR_NOMEM));
    return pats;
}

// Modified: from now on this process answers Save/Revert/Get_Modified for the file; Saved and
// Reverted: no longer. Then (if send) the notice.
Tt_status ttdt_file_event(Tt_message context, Tttk_op event, Tt_pattern* patterns, int send) {
    if (patterns == nullptr || tt_ptr_error(patterns) != TT_OK || patterns[0] == nullptr) return TT_ERR_POINTER;
    Tt_pattern first = patterns[0];
    Binding* b = binding_of(first);
    if (b == nullptr) return TT_ERR_POINTER;
    void* handlers = tt_pattern_user(first, key(patterns_tag));
    bool have = handlers != nullptr && tt_ptr_error(handlers) == TT_OK;
    if (event == TTDT_MODIFIED && !have) {
        Tt_pattern h = file_pattern(TT_HANDLE, {TTDT_SAVE, TTDT_GET_MODIFIED, TTDT_REVERT}, *b);
        if (Tt_status s = tt_ptr_error(h); s != TT_OK) return s;
        tt_pattern_user_set(first, key(patterns_tag), pattern_array({h}));
    } else if ((event == TTDT_SAVED || event == TTDT_REVERTED) && have) {
        destroy_patterns(static_cast<Tt_pattern*>(handlers));
        tt_pattern_user_set(first, key(patterns_tag), nullptr);
    }
    if (!send) return TT_OK;
    Tt_message m = ttdt_file_notice(context, event, b->scope, b->file.c_str(), 1);
    return tt_ptr_error(m);
}

Tt_status ttdt_file_quit(Tt_pattern* patterns, int quit) {
    if (patterns == nullptr || tt_ptr_error(patterns) != TT_OK) return TT_ERR_POINTER;
    std::string file;
    if (Binding* b = patterns[0] != nullptr ? binding_of(patterns[0]) : nullptr) file = b->file;
    destroy_patterns(patterns);
    return quit && !file.empty() ? tt_file_quit(file.c_str()) : TT_OK;
}

int ttdt_Get_Modified(Tt_message context, const char* pathname, Tt_scope scope, XtAppContext app2run,
                      int ms_timeout) {
    int modified = 0;
    return ask_file(context, TTDT_GET_MODIFIED, pathname, scope, app2run, ms_timeout, &modified) == TT_OK &&
           modified != 0;
}

Tt_status ttdt_Save(Tt_message context, const char* pathname, Tt_scope scope, XtAppContext app2run,
                    int ms_timeout) {
    return ask_file(context, TTDT_SAVE, pathname, scope, app2run, ms_timeout);
}

Tt_status ttdt_Revert(Tt_message context, const char* pathname, Tt_scope scope, XtAppContext app2run,
                      int ms_timeout) {
    return ask_file(context, TTDT_REVERT, pathname, scope, app2run, ms_timeout);
}

Tt_message ttdt_file_notice(Tt_message, Tttk_op op, Tt_scope scope, const char* file, int send_and_destroy) {
    Tt_message m = file_message(TT_NOTICE, op, scope, file);
    if (tt_ptr_error(m) != TT_OK || !send_and_destroy) return m;
    Tt_status s = tt_message_send(m);
    tt_message_destroy(m);
    return s == TT_OK ? nullptr : static_cast<Tt_message>(tt_error_pointer(s));
}

Tt_message ttdt_file_request(Tt_message, Tttk_op op, Tt_scope scope, const char* file, Ttdt_file_cb cb,
                             void* clientdata, int send) {
    Tt_message m = file_message(TT_REQUEST, op, scope, file);
    if (tt_ptr_error(m) != TT_OK) return m;
    if (cb != nullptr) {
        auto* b = new Binding;
        b->file_cb = cb;
        b->clientdata = clientdata;
        b->op = op;
        tt_message_user_set(m, key(binding_tag), b);
        tt_message_callback_add(m, on_file_reply);
    }
    if (!send) return m;
    if (Tt_status s = tt_message_send(m); s != TT_OK) {
        tttk_message_destroy(m);
        return static_cast<Tt_message>(tt_error_pointer(s));
    }
    return m;
}

}  // extern "C"
