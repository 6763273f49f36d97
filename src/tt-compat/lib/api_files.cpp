// File scope (tt_file_join/quit), the default file, and netfile names.
//
// Netfile names have a simple documented form, "<host>:<absolute path>" (the network path form
// classic ToolTalk used for file attributes): ttbus has no file database server to ask about
// remote mounts, so tt_netfile_file and tt_host_netfile_file return the path part as it is.
#include "client.h"
#include "paths.h"
#include "status.h"
#include "storage.h"

#include <unistd.h>

#include <climits>

using namespace ttc;

namespace {

Tt_status file_call(const char* member, const char* filepath) {
    if (Tt_status s = need_open(); s != TT_OK) return s;
    if (Tt_status s = need_string(filepath, TT_ERR_FILE); s != TT_OK) return s;
    if (*filepath == '\0') return TT_ERR_FILE;
    std::string path = canonical_path(filepath);
    return client()->current->call(
        member, [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, path.c_str()); });
}

std::string host_name() {
    char buf[HOST_NAME_MAX + 1] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

char* netfile(const char* func, const std::string& host, const char* filename, bool resolve) {
    if (Tt_status s = need_string(filename, TT_ERR_PATH); s != TT_OK) return report_ptr(func, s);
    if (*filename == '\0') return report_ptr(func, TT_ERR_PATH);
    return stack_string(host + ":" + (resolve ? canonical_path(filename) : std::string(filename)));
}

char* local_path(const char* func, const char* netfilename) {
    if (Tt_status s = need_string(netfilename, TT_ERR_NETFILE); s != TT_OK) return report_ptr(func, s);
    std::string_view n = netfilename;
    std::size_t colon = n.find(':');
    if (colon == std::string_view::npos || colon == 0 || n.substr(colon + 1, 1) != "/") {
        return report_ptr(func, TT_ERR_NETFILE);
    }
    return stack_string(n.substr(colon + 1));
}

}  // namespace

extern "C" {

Tt_status tt_file_join(const char* filepath) {
    return report("tt_file_join", file_call("FileJoin", filepath));
}

Tt_status tt_file_quit(const char* filepath) {
    return report("tt_file_quit", file_call("FileQuit", filepath));
}

char* tt_default_file(void) {
    if (Tt_status s = need_open(); s != TT_OK) return report_ptr("tt_default_file", s);
    const std::string& f = client()->default_file;
    return f.empty() ? nullptr : stack_string(f);
}

// The file of messages created from now on; NULL clears it.
Tt_status tt_default_file_set(const char* docid) {
    Tt_status s = need_open();
    if (s == TT_OK) s = need_string(docid, TT_OK);
    if (s == TT_OK) client()->default_file = (docid != nullptr && *docid != '\0') ? canonical_path(docid) : "";
    return report("tt_default_file_set", s);
}

char* tt_file_netfile(const char* filename) {
    return netfile("tt_file_netfile", host_name(), filename, true);
}

// The file is on another host: its path cannot be resolved here, only made absolute by the caller.
char* tt_host_file_netfile(const char* host, const char* filename) {
    if (Tt_status s = need_string(host, TT_ERR_PATH); s != TT_OK) return report_ptr("tt_host_file_netfile", s);
    if (filename != nullptr && !is_error_pointer(filename) && *filename != '/') {
        return report_ptr("tt_host_file_netfile", TT_ERR_PATH);
    }
    return netfile("tt_host_file_netfile", host, filename, false);
}

char* tt_netfile_file(const char* netfilename) {
    return local_path("tt_netfile_file", netfilename);
}

char* tt_host_netfile_file(const char* host, const char* netfilename) {
    if (Tt_status s = need_string(host, TT_ERR_PATH); s != TT_OK) return report_ptr("tt_host_netfile_file", s);
    return local_path("tt_host_netfile_file", netfilename);
}

}  // extern "C"
