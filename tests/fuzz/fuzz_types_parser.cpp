// libFuzzer target: the classic types language parser and semantic checks. No input may crash them,
// and whatever they accept must print back (tt_type_comp -p) to text that parses to the same types.
#include "types/parser.h"
#include "types/printer.h"
#include "types/semantic_check.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ttbus::types;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ParsedTypes parsed = parse_types(text, "fuzz.types");
    check_types(parsed, {});
    if (!parsed.ok()) return 0;
    ParsedTypes again = parse_types(print_types(parsed.types), "printed.types");
    check_types(again, {});
    if (!again.ok() || !(again.types == parsed.types)) std::abort();
    return 0;
}
