#include "handles.h"

namespace ttc {

std::uintptr_t next_handle_value() {
    // Starts above the first pages (never a valid address for a program to mistake) and steps by
    // 16 so values look like aligned pointers to code that prints them.
    static std::uintptr_t next = 0x10000;
    next += 16;
    return next;
}

}  // namespace ttc
