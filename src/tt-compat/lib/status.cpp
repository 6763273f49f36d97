#include "status.h"

#include <cstdint>

namespace {

// Programs dereference error pointers (they read as ""), so the page is real, zeroed memory;
// a status s is encoded as the address page + s.
char status_page[TT_STATUS_LAST];

}  // namespace

namespace ttc {

bool is_error_pointer(const void* p) {
    // Compared as integers: p is usually a pointer into some other object.
    auto a = reinterpret_cast<std::uintptr_t>(p);
    auto base = reinterpret_cast<std::uintptr_t>(status_page);
    return a > base && a < base + TT_STATUS_LAST;
}

Tt_status report(const char* func, Tt_status s) {
    if (tt_is_err(s)) tt_error(func, s);
    return s;
}

char* report_ptr(const char* func, Tt_status s) {
    report(func, s);
    return static_cast<char*>(tt_error_pointer(s));
}

int report_int(const char* func, Tt_status s) {
    report(func, s);
    return tt_error_int(s);
}

}  // namespace ttc

extern "C" {

Tt_status tt_pointer_error(void* pointer) {
    if (!ttc::is_error_pointer(pointer)) return TT_OK;
    return static_cast<Tt_status>(static_cast<char*>(pointer) - status_page);
}

void* tt_error_pointer(Tt_status ttrc) {
    // TT_OK is NULL: a NULL result means "no error" everywhere in the API.
    if (ttrc <= TT_OK || ttrc >= TT_STATUS_LAST) return nullptr;
    return status_page + ttrc;
}

Tt_status tt_int_error(int return_val) {
    return return_val >= 0 ? TT_OK : static_cast<Tt_status>(-return_val);
}

int tt_error_int(Tt_status ttrc) {
    return -static_cast<int>(ttrc);
}

// An empty hook: applications define their own tt_error to see every error the API returns
// (the library calls it through its dynamic symbol, so the program's definition wins).
void tt_error(const char* func, Tt_status ttrc) {
    (void)func;
    (void)ttrc;
}

}  // extern "C"
