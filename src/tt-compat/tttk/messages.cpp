// tttk_message_*: creating messages the toolkit way and disposing of them whatever they are.
#include "toolkit.h"

#include <cstring>

using namespace tttk;

namespace {

// Status (and its string) travel with the answer.
void set_status(Tt_message msg, Tt_status status, const char* status_string) {
    tt_message_status_set(msg, status);
    if (status_string != nullptr) tt_message_status_string_set(msg, status_string);
}

// Whether msg is a live message handle (the public API's cheapest question that says so).
Tt_status need_message(Tt_message msg) {
    return tt_int_error(tt_message_args_count(msg));
}

// Whether this process is the handler of msg, a request still waiting for an answer.
bool handling(Tt_message msg) {
    Scratch scratch;
    if (tt_message_class(msg) != TT_REQUEST || tt_message_state(msg) != TT_SENT) return false;
    const char* handler = tt_message_handler(msg);
    const char* me = tt_default_procid();
    return handler != nullptr && tt_ptr_error(handler) == TT_OK && tt_ptr_error(me) == TT_OK &&
           std::strcmp(handler, me) == 0;
}

}  // namespace

extern "C" {

// The context message is not looked at, as in classic tttk (which marked it "propagate contexts").
Tt_message tttk_message_create(Tt_message, Tt_class the_class, Tt_scope the_scope, const char* handler,
                               const char* op, Tt_message_callback callback) {
    Tt_message msg = tt_message_create();
    if (tt_ptr_error(msg) != TT_OK) return msg;
    Tt_status s = tt_message_class_set(msg, the_class);
    if (s == TT_OK) s = tt_message_scope_set(msg, the_scope);
    if (s == TT_OK && handler != nullptr) {
        s = tt_message_handler_set(msg, handler);
        if (s == TT_OK) s = tt_message_address_set(msg, TT_HANDLER);
    } else if (s == TT_OK) {
        s = tt_message_address_set(msg, TT_PROCEDURE);
    }
    if (s == TT_OK && op != nullptr) s = tt_message_op_set(msg, op);
    if (s == TT_OK && callback != nullptr) s = tt_message_callback_add(msg, callback);
    if (s == TT_OK) return msg;
    tt_message_destroy(msg);
    return static_cast<Tt_message>(tt_error_pointer(s));
}

// The patterns the toolkit hung on the message (a contract's desktop patterns, a load's Deposit
// pattern) go with it.
Tt_status tttk_message_destroy(Tt_message msg) {
    void* pats = tt_message_user(msg, key(patterns_tag));
    void* deposits = tt_message_user(msg, key(deposit_tag));
    void* binding = tt_message_user(msg, key(binding_tag));
    Tt_status s = tt_message_destroy(msg);
    if (s != TT_OK) return s;
    for (void* array : {pats, deposits}) {
        if (tt_ptr_error(array) == TT_OK) destroy_patterns(static_cast<Tt_pattern*>(array));
    }
    if (tt_ptr_error(binding) == TT_OK) delete static_cast<Binding*>(binding);
    return TT_OK;
}

Tt_status tttk_message_reject(Tt_message msg, Tt_status status, const char* status_string, int destroy) {
    set_status(msg, status, status_string);
    Tt_status s = tt_message_reject(msg);
    if (destroy) tttk_message_destroy(msg);
    return s;
}

// Only a request can fail; a notice is only destroyed (when asked).
Tt_status tttk_message_fail(Tt_message msg, Tt_status status, const char* status_string, int destroy) {
    Tt_status s = need_message(msg);
    if (s != TT_OK) return s;
    if (tt_message_class(msg) == TT_REQUEST) {
        set_status(msg, status, status_string);
        s = tt_message_fail(msg);
    }
    if (destroy) tttk_message_destroy(msg);
    return s;
}

// A request we handle and nobody took: failed when it was meant for us alone (handler-addressed,
// or the message that started us), else rejected so another handler may take it. Anything else
// is just destroyed.
Tt_status tttk_message_abandon(Tt_message msg) {
    if (Tt_status s = need_message(msg); s != TT_OK) return s;
    if (!handling(msg)) return tttk_message_destroy(msg);
    bool mine = tt_message_address(msg) == TT_HANDLER || tt_message_status(msg) == TT_WRN_START_MESSAGE;
    if (mine) return tttk_message_fail(msg, TT_DESKTOP_ENOTSUP, nullptr, 1);
    return tttk_message_reject(msg, TT_DESKTOP_ENOTSUP, nullptr, 1);
}

}  // extern "C"
