// Initialization, procids, defaults, sessions, tt_fd, features and tracing.
#include "client.h"
#include "status.h"
#include "storage.h"
#include "wire.h"

#include <algorithm>

using namespace ttc;

namespace {

// The sessions the broker knows, to check a session id before adopting it.
Tt_status known_session(Procid& p, const std::string& session) {
    Reply reply;
    Tt_status s = p.bus->call(BROKER_IFACE, "Sessions", {}, &reply);
    if (s != TT_OK) return s;
    if (sd_bus_message_enter_container(reply.m, SD_BUS_TYPE_ARRAY, "s") < 0) return TT_ERR_INTERNAL;
    const char* name = nullptr;
    while (sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_STRING, &name) > 0) {
        if (session == name) return TT_OK;
    }
    return TT_ERR_SESSION;
}

Tt_status membership(const char* func, const char* member, const char* sessid) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(sessid, TT_ERR_POINTER);
    if (s == TT_OK) {
        s = client()->current->call(member, [&](sd_bus_message* m) {
            return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, sessid);
        });
    }
    return report(func, s);
}

}  // namespace

extern "C" {

char* tt_open(void) {
    Tt_status s = open_procid();
    if (s != TT_OK) return report_ptr("tt_open", s);
    return stack_string(client()->current->id);
}

Tt_status tt_close(void) {
    Tt_status s = need_open();
    if (s == TT_OK) s = close_procid();
    return report("tt_close", s);
}

// ttbus has no per-display sessions: the display's session is the user's default session.
char* tt_X_session(const char* xdisplay) {
    Tt_status s = need_string(xdisplay, TT_ERR_POINTER);
    std::unique_ptr<Connection> own;
    Connection* bus = nullptr;
    if (s == TT_OK && client() != nullptr) {
        bus = client()->current->bus.get();
    } else if (s == TT_OK) {
        s = Connection::open(own);
        bus = own.get();
    }
    Reply reply;
    if (s == TT_OK) s = bus->call(BROKER_IFACE, "DefaultSession", {}, &reply);
    const char* session = nullptr;
    if (s == TT_OK && sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_STRING, &session) < 0) s = TT_ERR_NOMP;
    if (s != TT_OK) return report_ptr("tt_X_session", s);
    return stack_string(session);
}

char* tt_default_ptype(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_ptr("tt_default_ptype", s);
    const std::string& ptype = client()->current->default_ptype;
    return ptype.empty() ? nullptr : stack_string(ptype);
}

Tt_status tt_default_ptype_set(const char* ptid) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(ptid, TT_ERR_PTYPE);
    Procid* p = s == TT_OK ? client()->current : nullptr;
    if (s == TT_OK) {
        s = p->call("DefaultPtypeSet",
                    [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, ptid); });
    }
    if (s == TT_OK) p->default_ptype = ptid;
    return report("tt_default_ptype_set", s);
}

char* tt_default_session(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_ptr("tt_default_session", s);
    return stack_string(client()->default_session);
}

// Before tt_open it chooses the session tt_open joins; after, the session of new messages.
Tt_status tt_default_session_set(const char* sessid) {
    Tt_status s = need_string(sessid, TT_ERR_SESSION);
    if (s == TT_OK && *sessid == '\0') s = TT_ERR_SESSION;
    if (s == TT_OK && client() == nullptr) {
        preset_session(sessid);
        return TT_OK;
    }
    if (s == TT_OK) s = known_session(*client()->current, sessid);
    if (s == TT_OK) client()->default_session = sessid;
    return report("tt_default_session_set", s);
}

// Single-threaded library: a thread's session and procid are the process's defaults.
char* tt_thread_session(void) {
    return tt_default_session();
}

Tt_status tt_thread_session_set(const char* sessid) {
    return tt_default_session_set(sessid);
}

char* tt_default_procid(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_ptr("tt_default_procid", s);
    return stack_string(client()->current->id);
}

Tt_status tt_default_procid_set(const char* procid) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(procid, TT_ERR_PROCID);
    Procid* p = s == TT_OK ? client()->find_procid(procid) : nullptr;
    if (s == TT_OK && p == nullptr) s = TT_ERR_PROCID;
    if (s == TT_OK) client()->current = p;
    return report("tt_default_procid_set", s);
}

char* tt_thread_procid(void) {
    return tt_default_procid();
}

Tt_status tt_thread_procid_set(const char* procid) {
    return tt_default_procid_set(procid);
}

char* tt_procid_session(const char* procid) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(procid, TT_ERR_PROCID);
    if (s != TT_OK) return report_ptr("tt_procid_session", s);
    if (Procid* own = client()->find_procid(procid)) return stack_string(own->session);
    Reply reply;
    s = client()->current->bus->call(
        BROKER_IFACE, "ProcidInfo",
        [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, procid); }, &reply);
    if (s != TT_OK) return report_ptr("tt_procid_session", s);
    std::string session;
    if (ttc::read_entries(reply.m, protocol::procid_info_keys, [&](std::size_t key) {
            if (key != protocol::procid_info_key::session) return false;
            session = protocol::read_string(reply.m);
            return true;
        }) < 0) {
        return report_ptr("tt_procid_session", TT_ERR_INTERNAL);
    }
    if (session.empty()) return report_ptr("tt_procid_session", TT_ERR_PROCID);
    return stack_string(session);
}

Tt_status tt_session_join(const char* sessid) {
    return membership("tt_session_join", "SessionJoin", sessid);
}

Tt_status tt_session_quit(const char* sessid) {
    return membership("tt_session_quit", "SessionQuit", sessid);
}

char* tt_initial_session(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_ptr("tt_initial_session", s);
    return stack_string(client()->initial_session);
}

int tt_fd(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_int("tt_fd", s);
    Procid* p = client()->current;
    // Whatever sd-bus already holds is queued first, so the descriptor's state is exact now.
    p->bus->pump();
    p->sync_fd();
    return p->bus->fd();
}

Tt_status tt_feature_enabled(Tt_feature f) {
    if (f != TT_FEATURE_MULTITHREADED) return report("tt_feature_enabled", TT_ERR_UNIMP);
    return TT_WRN_NOT_ENABLED;
}

// libtt starts no threads and takes no locks, so it cannot promise thread safety.
Tt_status tt_feature_required(Tt_feature f) {
    (void)f;
    return report("tt_feature_required", TT_ERR_UNIMP);
}

}  // extern "C"
