// ToolTalk values as the API reads and writes them (facts §5.7): C strings, byte strings,
// integers and user XDR encodings all become a Value; the getters apply the classic rules.
#pragma once

#include "model.h"

#include <Tt/tt_c.h>

namespace ttc {

Value string_value(const char* s);  // NULL: unset (distinct from "")
Value bytes_value(const unsigned char* p, int len);  // NULL: unset
Value int_value(int i);
// Encodes value with the user's XDR routine (TT_ERR_XDR when it fails or encodes nothing).
Tt_status xdr_value(xdrproc_t proc, void* value, Value& out);

// tt_*_val: a C string (NULL when unset); an integer reads as its decimal text (classic kept this).
Tt_status read_string(const Value& v, char** out);
// tt_*_bval: bytes on the storage stack (NUL-terminated as a convenience); an integer is TT_ERR_POINTER.
Tt_status read_bytes(const Value& v, unsigned char** out, int* len);
// tt_*_ival: anything but an integer is TT_ERR_NUM.
Tt_status read_int(const Value& v, int* out);
// tt_*_xval: decodes the bytes with the user's XDR routine.
Tt_status read_xdr(const Value& v, xdrproc_t proc, void* out);

}  // namespace ttc
