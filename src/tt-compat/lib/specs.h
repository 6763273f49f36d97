// What the spec functions (api_specs.cpp) and the file-object functions (api_file_objects.cpp)
// share: calling the broker's spec methods (org.ttbus.Broker1, docs/dbus-api.md "Object specs").
#pragma once

#include "bus.h"

#include "protocol/spec.h"

#include <string>
#include <vector>

namespace ttc {

// Calls a spec method of the broker with the default procid's connection; its D-Bus errors are
// the classic statuses (TT_ERR_OBJID, TT_ERR_ACCESS, ...).
Tt_status spec_call(const char* member, const Connection::Build& build, Reply* reply = nullptr);
// Whether a spec has this objid (TT_ERR_OBJID when not): tt_message_send asks before sending a
// TT_OBJECT message, as classic libtt did (it looked the otype up itself).
Tt_status spec_known(const std::string& objid);
// The canonical path of a file argument: TT_ERR_PATH for NULL or "", TT_ERR_POINTER for an error pointer.
Tt_status file_argument(const char* path, std::string& out);
// Appends a spec's properties, a(saay).
int append_props(sd_bus_message* m, const std::vector<ttbus::protocol::SpecProperty>& props);

}  // namespace ttc
