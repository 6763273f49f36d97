// What the toolkit's files share. The toolkit is written over the public tt_c API only: it is a
// client of libtt like any CDE program, compiled into the same libtt.so.2.
#ifndef TTBUS_TTTK_TOOLKIT_H
#define TTBUS_TTTK_TOOLKIT_H

#include <Tt/tttk.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace tttk {

// User-data keys, as classic: addresses of static objects cast to int, so they are unlikely to
// meet an application's own keys (dtpad uses key 0).
int key(const char& tag);
extern const char patterns_tag;  // message/pattern -> Tt_pattern* array owned by it
extern const char deposit_tag;   // a load -> its Deposit pattern array (it may be managed too)
extern const char binding_tag;   // pattern/message -> Binding* (the callback it leads to)

// The wire string of op, not copied; "" for out-of-range.
const char* op_name(Tttk_op op);
// Whether op is sent as a notice (Started, Status, Modified, ...) rather than a request.
bool is_notice(Tttk_op op);

// The tool named in ttdt_open, told in Started/Stopped/Status/Get_Status.
struct Tool {
    std::string name, vendor, version;
};
Tool& tool();

// Frees tt_malloc'd strings made while it lives (toolkit callbacks run inside the app's loop).
class Scratch {
  public:
    Scratch() : mark_(tt_mark()) {}
    ~Scratch() { tt_release(mark_); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

  private:
    int mark_;
};

// What a toolkit pattern or message leads to: the application's callback and its context.
struct Binding {
    Ttdt_contract_cb contract_cb = nullptr;
    Ttdt_file_cb file_cb = nullptr;
    Ttmedia_load_msg_cb load_cb = nullptr;
    void* clientdata = nullptr;
    Widget shell = nullptr;
    Tt_message contract = nullptr;
    Tttk_op op = TTDT_OP_NONE;
    std::string file;
    Tt_scope scope = TT_SCOPE_NONE;
};

// A pattern for ops (all requests or all notices) in scope, bound to b (owned by the pattern
// from now on). Not registered. Error pointer on failure.
Tt_pattern make_pattern(Tt_category cat, Tt_scope scope, const std::vector<Tttk_op>& ops, Binding* b,
                        Tt_message_callback cb);
Binding* binding_of(Tt_pattern p);
// Registers p in session (the default session when null).
Tt_status register_pattern(Tt_pattern p, const char* session = nullptr);

// A NULL-terminated malloc'd copy; destroy_patterns destroys every pattern, its binding, the
// nested arrays, and frees the array.
Tt_pattern* pattern_array(std::initializer_list<Tt_pattern> pats);
Tt_pattern* append_pattern(Tt_pattern* pats, Tt_pattern p);
void destroy_patterns(Tt_pattern* pats);

// Sends m and waits (tttk_block_while) until it is answered or ms_timeout passes. TT_OK when
// handled; the failure status when failed; TT_DESKTOP_ETIMEDOUT on timeout (m is then destroyed,
// and *timed_out set when given).
Tt_status send_and_wait(Tt_message m, XtAppContext app, int ms_timeout, bool* timed_out = nullptr);

// A notice or request made by tttk_message_create with in-string args; error pointer on failure.
Tt_message make_message(Tt_class cls, Tt_scope scope, const char* handler, Tttk_op op,
                        std::initializer_list<const char*> in_strings);

// True once the message has its final answer (handled or failed).
bool answered(Tt_message m);
// For a sent request's callback before its answer: a started/queued update is kept from the
// application; but a request sent to this process itself arrives on the same handle (state
// sent), and must go on to the patterns that handle it.
Tt_callback_action until_answered(Tt_message m);

// The string value of arg n, or "" (into a std::string, so no tt storage outlives the call).
std::string arg_string(Tt_message m, int n);

// Set_/Get_Locale, _Environment, _Situation, Signal and Get_Sysinfo, answered here.
Tt_callback_action answer_posix(Tt_message m, Tt_pattern p);

// The desktop requests done on a shell widget when no callback took them; false if op is not
// one of them or Xt cannot be reached (no reply sent then).
bool shell_answers(Tt_message m, Tttk_op op, Widget shell);

}  // namespace tttk

#endif
