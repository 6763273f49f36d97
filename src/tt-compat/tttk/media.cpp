// The Media message set: a media ptype's handler side (ttmedia_ptype_declare, ttmedia_load_reply,
// ttmedia_Deposit) and its sender side (ttmedia_load).
#include "toolkit.h"

#include <climits>
#include <map>
#include <string>
#include <utility>

using namespace tttk;

namespace {

struct MediaHandler {
    Ttmedia_load_pat_cb cb;
    void* clientdata;
};

// (ptype, base opnum) -> the application's callback.
std::map<std::pair<std::string, int>, MediaHandler>& handlers() {
    static std::map<std::pair<std::string, int>, MediaHandler> table;
    return table;
}

// Opnums relative to the base: Display 1–4, Edit 101–104, Compose 201–204; the mail ops and
// Instantiate are fixed.
constexpr int relative_opnums[] = {1, 2, 3, 4, 101, 102, 103, 104, 201, 202, 203, 204};
constexpr int fixed_opnums[] = {301, 311, 313, 321, 323, 401};

Tttk_op media_op(int n) {
    if (n >= 1 && n <= 4) return TTME_DISPLAY;
    if (n >= 101 && n <= 104) return TTME_EDIT;
    if (n >= 201 && n <= 204) return TTME_COMPOSE;
    if (n == 301) return TTME_MAIL;
    if (n == 311 || n == 313) return TTME_MAIL_EDIT;
    if (n == 321 || n == 323) return TTME_MAIL_COMPOSE;
    if (n == 401) return TTME_INSTANTIATE;
    return TTDT_OP_NONE;
}

// Which arg carries the document's title for variant n (-1: none): variants 3 put it at 1,
// variants 4 after the counterfoil at 2.
int title_arg(int n) {
    if (n == 313 || n == 323 || (n < 300 && n % 100 == 3)) return 1;
    if (n < 300 && n % 100 == 4) return 2;
    return -1;
}

const MediaHandler* handler_for(const std::string& ptype, int base) {
    auto& table = handlers();
    auto it = table.find({ptype, base});
    if (it != table.end()) return &it->second;
    // The fixed opnums reach the handler declared with whatever base.
    it = table.lower_bound({ptype, INT_MIN});
    return it != table.end() && it->first.first == ptype ? &it->second : nullptr;
}

// A media message's document: arg 0's bytes, or (when empty) the message's file. Both are the
// application's to tt_free.
struct Document {
    unsigned char* contents = nullptr;
    int len = 0;
    char* file = nullptr;
};

Document document_of(Tt_message m) {
    Document d;
    if (tt_message_arg_bval(m, 0, &d.contents, &d.len) != TT_OK) d = Document{};
    d.file = tt_message_file(m);
    if (tt_ptr_error(d.file) != TT_OK) d.file = nullptr;
    return d;
}

Tt_callback_action on_media_request(Tt_message m, Tt_pattern) {
    int opnum = tt_message_opnum(m);
    std::string ptype;
    {
        Scratch scratch;
        char* p = tt_message_handler_ptype(m);
        if (p != nullptr && tt_ptr_error(p) == TT_OK) ptype = p;
    }
    int n = opnum % 1000;
    const MediaHandler* h = handler_for(ptype, opnum - n);
    Tttk_op op = media_op(n);
    if (h == nullptr || op == TTDT_OP_NONE) return TT_CALLBACK_CONTINUE;
    Document d = document_of(m);
    char* docname = nullptr;  // the application's to tt_free too
    if (int t = title_arg(n); t >= 0) {
        docname = tt_message_arg_val(m, t);
        if (tt_ptr_error(docname) != TT_OK) docname = nullptr;
    }
    Tt_message left = h->cb(m, h->clientdata, op, TT_OK, d.contents, d.len, d.file, docname);
    return left == nullptr ? TT_CALLBACK_PROCESSED : TT_CALLBACK_CONTINUE;
}

Tt_mode contents_mode(Tttk_op op) {
    switch (op) {
    case TTME_EDIT:
    case TTME_MAIL_EDIT: return TT_INOUT;
    case TTME_COMPOSE:
    case TTME_MAIL_COMPOSE: return TT_OUT;
    default: return TT_IN;
    }
}

// A Deposit the handler sent back about a load, or the load's answer: both go to its callback.
Tt_message call_load_cb(const Binding& b, Tt_message m, Tttk_op op) {
    Document d = document_of(m);
    return b.load_cb(m, b.clientdata, op, d.contents, d.len, d.file);
}

Tt_callback_action on_load_reply(Tt_message m, Tt_pattern) {
    void* b = tt_message_user(m, key(binding_tag));
    if (b == nullptr || tt_ptr_error(b) != TT_OK) return TT_CALLBACK_CONTINUE;
    if (!answered(m)) return until_answered(m);
    auto* binding = static_cast<Binding*>(b);
    return call_load_cb(*binding, m, binding->op) == nullptr ? TT_CALLBACK_PROCESSED : TT_CALLBACK_CONTINUE;
}

Tt_callback_action on_deposit(Tt_message m, Tt_pattern p) {
    Binding* b = binding_of(p);
    if (b == nullptr || b->load_cb == nullptr) return TT_CALLBACK_CONTINUE;
    return call_load_cb(*b, m, TTME_DEPOSIT) == nullptr ? TT_CALLBACK_PROCESSED : TT_CALLBACK_CONTINUE;
}

// While the load is out, its handler may Deposit intermediate contents keyed by its id.
Tt_status await_deposits(Tt_message m, const Binding& like) {
    Scratch scratch;
    auto* b = new Binding(like);
    Tt_pattern p = make_pattern(TT_HANDLE, TT_SESSION, {TTME_DEPOSIT}, b, on_deposit);
    Tt_status s = tt_ptr_error(p);
    if (s != TT_OK) return s;
    s = tt_pattern_arg_add(p, TT_MODE_UNDEFINED, "ALL", nullptr);
    if (s == TT_OK) s = tt_pattern_arg_add(p, TT_IN, Tttk_message_id, tt_message_id(m));
    if (s == TT_OK) s = register_pattern(p);
    if (s != TT_OK) {
        destroy_patterns(pattern_array({p}));
        return s;
    }
    return tt_message_user_set(m, key(deposit_tag), pattern_array({p}));
}

}  // namespace

extern "C" {

Tt_status ttmedia_ptype_declare(const char* ptype, int base_opnum, Ttmedia_load_pat_cb cb, void* clientdata,
                                int declare) {
    if (ptype == nullptr) return TT_ERR_PTYPE;
    if (cb == nullptr) return TT_ERR_POINTER;
    Tt_status s = TT_OK;
    for (int n : relative_opnums) {
        if (s == TT_OK) s = tt_ptype_opnum_callback_add(ptype, base_opnum + n, on_media_request);
    }
    for (int n : fixed_opnums) {
        if (s == TT_OK) s = tt_ptype_opnum_callback_add(ptype, n, on_media_request);
    }
    if (s != TT_OK) return s;
    handlers()[{ptype, base_opnum}] = MediaHandler{cb, clientdata};
    return declare ? tt_ptype_declare(ptype) : TT_OK;
}

Tt_message ttmedia_load(Tt_message context, Ttmedia_load_msg_cb cb, void* clientdata, Tttk_op op,
                        const char* media_type, const unsigned char* contents, int len, const char* file,
                        const char* docname, int send) {
    Tt_message m = tttk_message_create(context, TT_REQUEST, TT_SESSION, nullptr, op_name(op), nullptr);
    if (tt_ptr_error(m) != TT_OK) return m;
    Tt_status s = tt_message_barg_add(m, contents_mode(op), media_type, contents, contents != nullptr ? len : 0);
    if (s == TT_OK && docname != nullptr) s = tt_message_arg_add(m, TT_IN, Tttk_title, docname);
    if (s == TT_OK && file != nullptr) s = tt_message_file_set(m, file);
    if (s == TT_OK && cb != nullptr) {
        auto* b = new Binding;
        b->load_cb = cb;
        b->clientdata = clientdata;
        b->op = op;
        tt_message_user_set(m, key(binding_tag), b);
        s = tt_message_callback_add(m, on_load_reply);
        if (s == TT_OK) s = await_deposits(m, *b);
    }
    if (s == TT_OK && send) s = tt_message_send(m);
    if (s == TT_OK) return m;
    tttk_message_destroy(m);
    return static_cast<Tt_message>(tt_error_pointer(s));
}

// The contents go back in arg 0 (when it is an out or inout arg).
Tt_status ttmedia_load_reply(Tt_message contract, const unsigned char* new_contents, int new_len,
                             int reply_and_destroy) {
    Tt_status s = TT_OK;
    if (new_contents != nullptr) {
        Tt_mode mode = tt_message_arg_mode(contract, 0);
        if (mode == TT_OUT || mode == TT_INOUT) s = tt_message_arg_bval_set(contract, 0, new_contents, new_len);
    }
    if (s == TT_OK && reply_and_destroy) {
        s = tt_message_reply(contract);
        if (s == TT_OK) s = tttk_message_destroy(contract);
    }
    return s;
}

// Intermediate contents for the contract's sender, which waits for them with the load's Deposit
// pattern.
Tt_status ttmedia_Deposit(Tt_message contract, const char* buffer_id, const char* media_type,
                          const unsigned char* new_contents, int new_len, const char* file, XtAppContext app2run,
                          int ms_timeout) {
    Scratch scratch;
    const char* sender = contract != nullptr ? tt_message_sender(contract) : nullptr;
    if (sender != nullptr && tt_ptr_error(sender) != TT_OK) return tt_ptr_error(sender);
    const char* id = buffer_id;
    if (id == nullptr && contract != nullptr) id = tt_message_id(contract);
    Tt_message m = tttk_message_create(contract, TT_REQUEST, TT_SESSION, sender, op_name(TTME_DEPOSIT), nullptr);
    if (Tt_status s = tt_ptr_error(m); s != TT_OK) return s;
    Tt_status s = tt_message_barg_add(m, TT_IN, media_type, new_contents, new_contents != nullptr ? new_len : 0);
    if (s == TT_OK) s = tt_message_arg_add(m, TT_IN, Tttk_message_id, id);
    if (s == TT_OK && file != nullptr) s = tt_message_file_set(m, file);
    if (s != TT_OK) {
        tttk_message_destroy(m);
        return s;
    }
    bool timed_out = false;
    s = send_and_wait(m, app2run, ms_timeout, &timed_out);
    if (!timed_out) tttk_message_destroy(m);
    return s;
}

}  // extern "C"
