// The storage stack (tt_mark/tt_release/tt_malloc/tt_free): every string and byte buffer the API
// returns lives on it, so programs free results with tt_free or a tt_mark/tt_release bracket.
#pragma once

#include <cstddef>
#include <string_view>

namespace ttc {

// Copies s onto the storage stack, NUL-terminated. nullptr when memory runs out.
char* stack_string(std::string_view s);
// Copies bytes onto the storage stack with a NUL after them (so text values read as C strings).
unsigned char* stack_bytes(std::string_view bytes);

}  // namespace ttc
