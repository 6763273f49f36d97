// libFuzzer target: the types.xdr reader. No input may crash it, and what it reads must write back
// to bytes that read as the same types.
#include "types/xdr_types.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ttbus::types;
    XdrRead read = read_types_xdr(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.xdr");
    if (!read.ok()) return 0;
    XdrRead again = read_types_xdr(write_types_xdr(read.types), "written.xdr");
    if (!again.ok() || !(again.types == read.types)) std::abort();
    return 0;
}
