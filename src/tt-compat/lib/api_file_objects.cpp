// The specs of a file as a whole: listing them (tt_file_objects_query) and carrying them along
// when the file is copied, moved or destroyed (tt_file_copy/move/destroy, which ttcp, ttmv and ttrm
// call). These change the broker's spec store only, never the files.
#include "client.h"
#include "specs.h"
#include "status.h"

using namespace ttc;

namespace {

Tt_status objects(const char* filepath, std::vector<std::string>& out) {
    std::string file;
    if (Tt_status s = file_argument(filepath, file); s != TT_OK) return s;
    Reply reply;
    Tt_status s = spec_call(
        "FileObjects", [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, file.c_str()); },
        &reply);
    if (s != TT_OK) return s;
    int r = sd_bus_message_enter_container(reply.m, SD_BUS_TYPE_ARRAY, "s");
    const char* objid = nullptr;
    while (r >= 0 && (r = sd_bus_message_read_basic(reply.m, SD_BUS_TYPE_STRING, &objid)) > 0) out.emplace_back(objid);
    return r < 0 ? TT_ERR_INTERNAL : TT_OK;
}

Tt_status two_files(const char* member, const char* from, const char* to) {
    std::string a, b;
    Tt_status s = need_open();
    if (s == TT_OK) s = file_argument(from, a);
    if (s == TT_OK) s = file_argument(to, b);
    if (s != TT_OK) return s;
    return spec_call(member, [&](sd_bus_message* m) { return sd_bus_message_append(m, "ss", a.c_str(), b.c_str()); });
}

}  // namespace

extern "C" {

// Calls `filter` with each objid of the file's specs (oldest first) until it returns
// TT_FILTER_STOP (then TT_WRN_STOPPED).
Tt_status tt_file_objects_query(const char* filepath, Tt_filter_function filter, void* context, void* accumulator) {
    Tt_status s = need_open();
    if (s == TT_OK && filter == nullptr) s = TT_ERR_POINTER;
    std::vector<std::string> objids;
    if (s == TT_OK) s = objects(filepath, objids);
    for (std::size_t i = 0; s == TT_OK && i < objids.size(); ++i) {
        if (filter(objids[i].c_str(), context, accumulator) == TT_FILTER_STOP) s = TT_WRN_STOPPED;
    }
    return report("tt_file_objects_query", s);
}

Tt_status tt_file_move(const char* oldfilepath, const char* newfilepath) {
    return report("tt_file_move", two_files("FileMove", oldfilepath, newfilepath));
}

Tt_status tt_file_copy(const char* oldfilepath, const char* newfilepath) {
    return report("tt_file_copy", two_files("FileCopy", oldfilepath, newfilepath));
}

Tt_status tt_file_destroy(const char* filepath) {
    Tt_status s = need_open();
    std::string file;
    if (s == TT_OK) s = file_argument(filepath, file);
    if (s == TT_OK) {
        s = spec_call("FileDestroy",
                      [&](sd_bus_message* m) { return sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, file.c_str()); });
    }
    return report("tt_file_destroy", s);
}

}  // extern "C"
