// libFuzzer target: the types.xdr reader. No input may crash it, and what it reads must round-trip:
// written back it reads as the same types, and printed in source syntax (tt_type_comp -p) it parses
// to the same types but for what the source language has no words for (a signature's class, its
// argument values, the scope "none"), which the printer leaves out as the classic one does.
#include "types/parser.h"
#include "types/printer.h"
#include "types/xdr_types.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace ttbus;

void drop_unprintable(std::vector<core::Signature>& sigs) {
    for (auto& s : sigs) {
        s.cls = core::Class::UNDEFINED;
        if (s.scope == core::Scope::NONE) s.scope = core::Scope::BOTH;
        for (auto& a : s.args) a.value = {};
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ttbus::types;
    XdrRead read = read_types_xdr(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.xdr");
    if (!read.ok()) return 0;
    XdrRead again = read_types_xdr(write_types_xdr(read.types), "written.xdr");
    if (!again.ok() || !(again.types == read.types)) std::abort();
    if (read.types.empty()) return 0;  // a source file without definitions is an error; an empty database is not
    ParsedTypes printed = parse_types(print_types(read.types), "printed.types");
    if (!printed.ok()) std::abort();
    normalize(printed.types);
    TypeSet expected = read.types;
    for (auto& p : expected.ptypes) drop_unprintable(p.signatures);
    for (auto& o : expected.otypes) drop_unprintable(o.signatures);
    if (!(printed.types == expected)) std::abort();
    return 0;
}
