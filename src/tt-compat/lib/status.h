// The error conventions of the classic API (facts §1.6): error pointers into a zeroed static page,
// negated statuses from int functions, and the tt_error hook called before an error is returned.
#pragma once

#include <Tt/tt_c.h>

namespace ttc {

// True when p points into the page of error pointers (so it is not a real string or handle).
bool is_error_pointer(const void* p);

// Each helper calls tt_error(func, s) when s is an error, then returns s in the function's form.
Tt_status report(const char* func, Tt_status s);
char* report_ptr(const char* func, Tt_status s);
int report_int(const char* func, Tt_status s);

template <typename Handle>
Handle report_handle(const char* func, Tt_status s) {
    return static_cast<Handle>(static_cast<void*>(report_ptr(func, s)));
}

}  // namespace ttc
