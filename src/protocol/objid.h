// Object ids (objids) and the rules for spec properties, shared by the broker's spec store and
// libtt. An objid is "ttbus:" and 32 hex digits (128 random bits): it names a spec whatever its
// file, so moving the spec keeps it (classic objids named the file system and were forwarded).
#pragma once

#include <string>
#include <string_view>

namespace ttbus::protocol {

// Classic limit on a property name (TT_ERR_PROPNAME beyond it).
inline constexpr std::size_t max_propname = 64;

// A new objid; "" when the system gives no random bytes.
std::string new_objid();
// The objid's unique key (tt_objid_objkey): the part after the prefix; the whole id when it has
// no prefix of ours.
std::string_view objid_key(std::string_view objid);

}  // namespace ttbus::protocol
