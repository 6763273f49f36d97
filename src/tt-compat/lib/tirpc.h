// The two libtirpc functions libtt itself calls (xdr_sizeof, xdrmem_create), loaded on the first
// use of a tt_*x* function instead of at start-up: libtirpc brings the Kerberos libraries with it,
// seven more objects for every libtt program to map and relocate, and most programs never use
// XDR. A program that does already has libtirpc mapped (its XDR procedures come from there), and
// then loading it costs nothing.
#pragma once

#include <rpc/xdr.h>

namespace ttc::tirpc {

struct Functions {
    unsigned long (*sizeof_)(xdrproc_t proc, void* value);
    void (*mem_create)(XDR* x, char* addr, u_int size, xdr_op op);
};

// libtirpc's functions, loaded on the first call; null when it cannot be loaded.
const Functions* functions();

}  // namespace ttc::tirpc
