// Xt: the input handler, blocking inside an Xt loop, and the desktop requests done on a shell.
//
// libtt does not link libXt (nor libX11): a program that never hands the toolkit an XtAppContext
// or a Widget loads nothing more and pays nothing. A program that has one has libXt loaded, so the
// few entry points used here are looked up in the process (dlsym RTLD_DEFAULT) the first time one
// is needed.
#include "toolkit.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <dlfcn.h>
#include <poll.h>
#include <time.h>

#include <cerrno>

using namespace tttk;

namespace {

struct XtApi {
    decltype(&::XtAppProcessEvent) app_process_event = nullptr;
    decltype(&::XtAppAddTimeOut) app_add_timeout = nullptr;
    decltype(&::XtRemoveTimeOut) remove_timeout = nullptr;
    decltype(&::XtRemoveInput) remove_input = nullptr;
    decltype(&::XtVaGetValues) va_get_values = nullptr;
    decltype(&::XtVaSetValues) va_set_values = nullptr;
    decltype(&::XtSetSensitive) set_sensitive = nullptr;
    decltype(&::XtDisplay) display = nullptr;
    decltype(&::XtWindow) window = nullptr;
    decltype(&::XMapWindow) map_window = nullptr;
    decltype(&::XUnmapWindow) unmap_window = nullptr;
    decltype(&::XRaiseWindow) raise_window = nullptr;
    decltype(&::XLowerWindow) lower_window = nullptr;
    decltype(&::XIconifyWindow) iconify_window = nullptr;
    decltype(&::XGetWindowAttributes) get_window_attributes = nullptr;
    decltype(&::XInternAtom) intern_atom = nullptr;
    decltype(&::XSendEvent) send_event = nullptr;
    decltype(&::XFlush) flush = nullptr;
    bool complete = false;
};

template <class F>
bool bind(F& f, const char* name) {
    f = reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
    return f != nullptr;
}

// Null when the process has no libXt.
const XtApi* xt() {
    static XtApi api;
    if (!api.complete) {
        api.complete = bind(api.app_process_event, "XtAppProcessEvent") &
                       bind(api.app_add_timeout, "XtAppAddTimeOut") & bind(api.remove_timeout, "XtRemoveTimeOut") &
                       bind(api.remove_input, "XtRemoveInput") & bind(api.va_get_values, "XtVaGetValues") &
                       bind(api.va_set_values, "XtVaSetValues") & bind(api.set_sensitive, "XtSetSensitive") &
                       bind(api.display, "XtDisplay") & bind(api.window, "XtWindow") &
                       bind(api.map_window, "XMapWindow") & bind(api.unmap_window, "XUnmapWindow") &
                       bind(api.raise_window, "XRaiseWindow") & bind(api.lower_window, "XLowerWindow") &
                       bind(api.iconify_window, "XIconifyWindow") &
                       bind(api.get_window_attributes, "XGetWindowAttributes") &
                       bind(api.intern_atom, "XInternAtom") & bind(api.send_event, "XSendEvent") &
                       bind(api.flush, "XFlush");
    }
    return api.complete ? &api : nullptr;
}

long long now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void on_timeout(XtPointer expired, XtIntervalId*) {
    *static_cast<bool*>(expired) = true;
}

bool still_blocked(const int* blocked) {
    return blocked == nullptr || *blocked > 0;
}

// Without Xt: poll tt_fd() and hand each message to the input handler.
Tt_status block_on_fd(const int* blocked, int ms_timeout) {
    long long deadline = ms_timeout < 0 ? -1 : now_ms() + ms_timeout;
    while (still_blocked(blocked)) {
        int fd = tt_fd();
        if (fd < 0) return tt_int_error(fd);
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - now_ms();
            if (left <= 0) return TT_DESKTOP_ETIMEDOUT;
            wait = static_cast<int>(left);
        }
        pollfd p{fd, POLLIN, 0};
        int n = poll(&p, 1, wait);
        if (n < 0 && errno != EINTR) return TT_DESKTOP_EIO;
        if (n > 0) tttk_Xt_input_handler(nullptr, &fd, nullptr);
    }
    return TT_OK;
}

// Inside the application's Xt loop: other input, X events and timers keep being served.
Tt_status block_in_xt(const XtApi& api, XtAppContext app, const int* blocked, int ms_timeout) {
    bool expired = false;
    XtIntervalId timer = 0;
    if (ms_timeout >= 0) timer = api.app_add_timeout(app, static_cast<unsigned long>(ms_timeout), on_timeout, &expired);
    while (still_blocked(blocked) && !expired) api.app_process_event(app, XtIMAll);
    if (!expired && timer != 0) api.remove_timeout(timer);
    return still_blocked(blocked) ? TT_DESKTOP_ETIMEDOUT : TT_OK;
}

Boolean arg_bool(Tt_message m, int n) {
    int v = 0;
    return tt_message_arg_ival(m, n, &v) == TT_OK && v != 0 ? True : False;
}

// Get_Geometry/Set_Geometry: width, height, xOffset, yOffset; a negative value in Set leaves
// that one as it is.
void geometry(const XtApi& api, Tt_message m, Widget shell, bool set) {
    if (set) {
        int v[4] = {-1, -1, -1, -1};
        for (int i = 0; i < 4; ++i) tt_message_arg_ival(m, i, &v[i]);
        if (v[0] > 0) api.va_set_values(shell, "width", static_cast<XtArgVal>(v[0]), nullptr);
        if (v[1] > 0) api.va_set_values(shell, "height", static_cast<XtArgVal>(v[1]), nullptr);
        if (v[2] >= 0) api.va_set_values(shell, "x", static_cast<XtArgVal>(v[2]), nullptr);
        if (v[3] >= 0) api.va_set_values(shell, "y", static_cast<XtArgVal>(v[3]), nullptr);
    }
    Dimension w = 0, h = 0;
    Position x = 0, y = 0;
    api.va_get_values(shell, "width", &w, "height", &h, "x", &x, "y", &y, nullptr);
    tt_message_arg_ival_set(m, 0, w);
    tt_message_arg_ival_set(m, 1, h);
    tt_message_arg_ival_set(m, 2, x);
    tt_message_arg_ival_set(m, 3, y);
}

bool mapped(const XtApi& api, Widget shell) {
    XWindowAttributes a{};
    return api.get_window_attributes(api.display(shell), api.window(shell), &a) != 0 && a.map_state != IsUnmapped;
}

void set_mapped(const XtApi& api, Widget shell, bool map) {
    Display* d = api.display(shell);
    if (map) api.map_window(d, api.window(shell));
    else api.unmap_window(d, api.window(shell));
}

void set_iconic(const XtApi& api, Widget shell, bool iconic) {
    Display* d = api.display(shell);
    if (iconic) api.iconify_window(d, api.window(shell), DefaultScreen(d));
    else api.map_window(d, api.window(shell));
    api.va_set_values(shell, "iconic", static_cast<XtArgVal>(iconic), nullptr);
}

const char* visual_class_name(int c) {
    static const char* const names[] = {"StaticGray", "GrayScale", "StaticColor", "PseudoColor", "TrueColor",
                                        "DirectColor"};
    return c >= 0 && c < 6 ? names[c] : "";
}

// What the window manager does for its own close button: the application's WM_DELETE_WINDOW
// handler decides.
void ask_to_close(const XtApi& api, Widget shell) {
    Display* d = api.display(shell);
    XEvent e{};
    e.xclient.type = ClientMessage;
    e.xclient.window = api.window(shell);
    e.xclient.message_type = api.intern_atom(d, "WM_PROTOCOLS", False);
    e.xclient.format = 32;
    e.xclient.data.l[0] = static_cast<long>(api.intern_atom(d, "WM_DELETE_WINDOW", False));
    e.xclient.data.l[1] = CurrentTime;
    api.send_event(d, e.xclient.window, False, NoEventMask, &e);
}

}  // namespace

namespace tttk {

bool shell_answers(Tt_message m, Tttk_op op, Widget shell) {
    const XtApi* api = shell != nullptr ? xt() : nullptr;
    if (api == nullptr) return false;
    Display* d = api->display(shell);
    switch (op) {
    case TTDT_GET_GEOMETRY:
    case TTDT_SET_GEOMETRY: geometry(*api, m, shell, op == TTDT_SET_GEOMETRY); break;
    case TTDT_GET_ICONIFIED: {
        Boolean iconic = False;
        api->va_get_values(shell, "iconic", &iconic, nullptr);
        tt_message_arg_ival_set(m, 0, iconic ? 1 : 0);
        break;
    }
    case TTDT_SET_ICONIFIED: set_iconic(*api, shell, arg_bool(m, 0)); break;
    case TTDT_GET_MAPPED: tt_message_arg_ival_set(m, 0, mapped(*api, shell) ? 1 : 0); break;
    case TTDT_SET_MAPPED: set_mapped(*api, shell, arg_bool(m, 0)); break;
    case TTDT_RAISE: api->raise_window(d, api->window(shell)); break;
    case TTDT_LOWER: api->lower_window(d, api->window(shell)); break;
    case TTDT_PAUSE:
    case TTDT_RESUME: api->set_sensitive(shell, op == TTDT_RESUME ? True : False); break;
    case TTDT_GET_XINFO: {
        int screen = DefaultScreen(d);
        tt_message_arg_val_set(m, 0, DisplayString(d));
        tt_message_arg_val_set(m, 1, visual_class_name(DefaultVisual(d, screen)->c_class));
        tt_message_arg_ival_set(m, 2, DefaultDepth(d, screen));
        break;
    }
    case TTDT_QUIT:
        if (arg_bool(m, 0) || arg_bool(m, 1)) {
            // A window manager's close cannot be silent nor forced.
            tttk_message_fail(m, TT_DESKTOP_ENOTSUP, nullptr, 1);
            return true;
        }
        ask_to_close(*api, shell);
        break;
    default: return false;
    }
    api->flush(d);
    tt_message_reply(m);
    tttk_message_destroy(m);
    return true;
}

}  // namespace tttk

extern "C" {

// The XtAppAddInput callback for tt_fd(). A message no callback took is abandoned; a session that
// is gone closes the procid and removes the input.
void tttk_Xt_input_handler(XtPointer procid, int*, XtInputId* id) {
    if (procid != nullptr) tt_default_procid_set(static_cast<const char*>(procid));
    Tt_message msg = tt_message_receive();
    if (tt_ptr_error(msg) == TT_ERR_NOMP) {
        tt_close();
        const XtApi* api = id != nullptr ? xt() : nullptr;
        if (api != nullptr) api->remove_input(*id);
        return;
    }
    if (msg != nullptr && tt_ptr_error(msg) == TT_OK) tttk_message_abandon(msg);
}

Tt_status tttk_block_while(XtAppContext app2run, const int* blocked, int ms_timeout) {
    if (app2run == nullptr) return block_on_fd(blocked, ms_timeout);
    const XtApi* api = xt();
    return api != nullptr ? block_in_xt(*api, app2run, blocked, ms_timeout) : TT_ERR_UNIMP;
}

}  // extern "C"
