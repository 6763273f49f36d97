// Object specs as both sides know them: objids and properties, shared by the broker's spec store,
// its D-Bus face and libtt. An objid is "ttbus:" and 32 hex digits (128 random bits): it names a
// spec whatever its file, so moving the spec keeps it (classic objids named the file system and
// were forwarded).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ttbus::protocol {

// A named property of a spec: an ordered list of byte values (strings are values without their NUL).
struct SpecProperty {
    std::string name;
    std::vector<std::string> values;  // none: the property is removed (in a write)
};

// Classic limit on a property name (TT_ERR_PROPNAME beyond it).
inline constexpr std::size_t max_propname = 64;
// ttbus's limit on one value (TT_ERR_PROPLEN beyond it), as for session properties.
inline constexpr std::size_t max_spec_value_bytes = 64 * 1024;

// A new objid; "" when the system gives no random bytes.
std::string new_objid();
// Whether `objid` has the form new_objid() gives.
bool is_objid(std::string_view objid);
// The objid's unique key (tt_objid_objkey): the part after the prefix; the whole id when it has
// no prefix of ours.
std::string_view objid_key(std::string_view objid);

}  // namespace ttbus::protocol
