#include "tirpc.h"

#include <dlfcn.h>

namespace ttc::tirpc {

namespace {

Functions load() {
    // Never unloaded: the program's own XDR procedures may live in it too.
    void* lib = dlopen(TTBUS_TIRPC_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return {};
    Functions f{};
    f.sizeof_ = reinterpret_cast<decltype(f.sizeof_)>(dlsym(lib, "xdr_sizeof"));
    f.mem_create = reinterpret_cast<decltype(f.mem_create)>(dlsym(lib, "xdrmem_create"));
    if (f.sizeof_ == nullptr || f.mem_create == nullptr) return {};
    return f;
}

}  // namespace

const Functions* functions() {
    static const Functions loaded = load();
    return loaded.sizeof_ != nullptr ? &loaded : nullptr;
}

}  // namespace ttc::tirpc
