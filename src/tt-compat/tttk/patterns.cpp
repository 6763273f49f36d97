// The toolkit's own bookkeeping: user-data keys, pattern arrays and the bindings they carry, and
// waiting for the answer to a request.
#include "toolkit.h"

#include <cstdint>
#include <cstdlib>

namespace tttk {

const char patterns_tag = 0;
const char deposit_tag = 0;
const char binding_tag = 0;
namespace {
const char wait_tag = 0;
}

int key(const char& tag) {
    return static_cast<int>(reinterpret_cast<std::uintptr_t>(&tag));
}

Tool& tool() {
    static Tool t;
    return t;
}

Binding* binding_of(Tt_pattern p) {
    void* b = tt_pattern_user(p, key(binding_tag));
    return tt_ptr_error(b) == TT_OK ? static_cast<Binding*>(b) : nullptr;
}

Tt_pattern make_pattern(Tt_category cat, Tt_scope scope, const std::vector<Tttk_op>& ops, Binding* b,
                        Tt_message_callback cb) {
    Tt_pattern p = tt_pattern_create();
    if (tt_ptr_error(p) != TT_OK) {
        delete b;
        return p;
    }
    tt_pattern_user_set(p, key(binding_tag), b);
    tt_pattern_category_set(p, cat);
    tt_pattern_class_add(p, !ops.empty() && is_notice(ops.front()) ? TT_NOTICE : TT_REQUEST);
    Tt_status s = tt_pattern_scope_add(p, scope);
    for (Tttk_op op : ops) {
        if (s == TT_OK) s = tt_pattern_op_add(p, op_name(op));
    }
    if (s == TT_OK) s = tt_pattern_callback_add(p, cb);
    if (s == TT_OK && !b->file.empty()) s = tt_pattern_file_add(p, b->file.c_str());
    if (s == TT_OK) return p;
    tt_pattern_destroy(p);
    delete b;
    return static_cast<Tt_pattern>(tt_error_pointer(s));
}

Tt_status register_pattern(Tt_pattern p, const char* session) {
    Scratch scratch;
    const char* sess = session != nullptr ? session : tt_default_session();
    Tt_status s = tt_ptr_error(sess);
    if (s == TT_OK) s = tt_pattern_session_add(p, sess);
    if (s == TT_OK) s = tt_pattern_register(p);
    return s;
}

Tt_pattern* pattern_array(std::initializer_list<Tt_pattern> pats) {
    auto* a = static_cast<Tt_pattern*>(std::calloc(pats.size() + 1, sizeof(Tt_pattern)));
    if (a == nullptr) return nullptr;
    std::size_t i = 0;
    for (Tt_pattern p : pats) a[i++] = p;
    return a;
}

Tt_pattern* append_pattern(Tt_pattern* pats, Tt_pattern p) {
    std::size_t n = 0;
    while (pats != nullptr && pats[n] != nullptr) ++n;
    auto* a = static_cast<Tt_pattern*>(std::realloc(pats, (n + 2) * sizeof(Tt_pattern)));
    if (a == nullptr) return pats;
    a[n] = p;
    a[n + 1] = nullptr;
    return a;
}

void destroy_patterns(Tt_pattern* pats) {
    if (pats == nullptr || tt_ptr_error(pats) != TT_OK) return;
    for (Tt_pattern* p = pats; *p != nullptr; ++p) {
        void* nested = tt_pattern_user(*p, key(patterns_tag));
        if (tt_ptr_error(nested) == TT_OK) destroy_patterns(static_cast<Tt_pattern*>(nested));
        delete binding_of(*p);
        tt_pattern_destroy(*p);
    }
    std::free(pats);
}

Tt_message make_message(Tt_class cls, Tt_scope scope, const char* handler, Tttk_op op,
                        std::initializer_list<const char*> in_strings) {
    Tt_message m = tttk_message_create(nullptr, cls, scope, handler, op_name(op), nullptr);
    if (tt_ptr_error(m) != TT_OK) return m;
    for (const char* v : in_strings) {
        if (Tt_status s = tt_message_arg_add(m, TT_IN, Tttk_string, v); s != TT_OK) {
            tt_message_destroy(m);
            return static_cast<Tt_message>(tt_error_pointer(s));
        }
    }
    return m;
}

bool answered(Tt_message m) {
    Tt_state st = tt_message_state(m);
    return st == TT_HANDLED || st == TT_FAILED;
}

Tt_callback_action until_answered(Tt_message m) {
    return tt_message_state(m) == TT_SENT ? TT_CALLBACK_CONTINUE : TT_CALLBACK_PROCESSED;
}

namespace {

Tt_callback_action on_answer(Tt_message m, Tt_pattern) {
    if (!answered(m)) return until_answered(m);
    void* pending = tt_message_user(m, key(wait_tag));
    if (pending != nullptr && tt_ptr_error(pending) == TT_OK) *static_cast<int*>(pending) = 0;
    return TT_CALLBACK_PROCESSED;
}

}  // namespace

Tt_status send_and_wait(Tt_message m, XtAppContext app, int ms_timeout, bool* timed_out) {
    int pending = 1;
    tt_message_user_set(m, key(wait_tag), &pending);
    Tt_status s = tt_message_callback_add(m, on_answer);
    if (s == TT_OK) s = tt_message_send(m);
    if (s == TT_OK) s = tttk_block_while(app, &pending, ms_timeout);
    if (pending > 0) {
        // The answer may still come: destroyed, the handle drops it.
        tttk_message_destroy(m);
        if (timed_out != nullptr) *timed_out = true;
        return s == TT_OK ? TT_DESKTOP_ETIMEDOUT : s;
    }
    tt_message_user_set(m, key(wait_tag), nullptr);
    if (tt_message_state(m) == TT_HANDLED) return TT_OK;
    auto status = static_cast<Tt_status>(tt_message_status(m));
    return status != TT_OK ? status : TT_DESKTOP_EPROTO;
}

std::string arg_string(Tt_message m, int n) {
    Scratch scratch;
    char* v = tt_message_arg_val(m, n);
    return v != nullptr && tt_ptr_error(v) == TT_OK ? std::string(v) : std::string();
}

}  // namespace tttk
