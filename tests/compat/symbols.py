#!/usr/bin/env python3
"""The exported symbols of libtt.so.2 are exactly the functions of <Tt/tt_c.h> that are
implemented: all 221 but the object-spec functions, which come with the objects issue.

    symbols.py LIBTT_SO TT_C_H
"""
import re
import subprocess
import sys

# Declared in tt_c.h, exported once ttbus stores object specs.
DEFERRED = {"tt_file_objects_query", "tt_file_move", "tt_file_copy", "tt_file_destroy"}
DEFERRED_PREFIXES = ("tt_spec_", "tt_objid_")


def main():
    lib, header = sys.argv[1], sys.argv[2]
    with open(header) as f:
        declared = re.findall(r"^extern [^;(]*?\b(tt_\w+)\(", f.read(), re.M)
    if len(declared) != 221 or len(set(declared)) != 221:
        print(f"tt_c.h declares {len(declared)} functions, want 221")
        return 1
    want = {n for n in declared if n not in DEFERRED and not n.startswith(DEFERRED_PREFIXES)}
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    exported = {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}
    ok = True
    for name in sorted(want - exported):
        print("missing:", name)
        ok = False
    for name in sorted(exported - want):
        print("exported but not in the API list:", name)
        ok = False
    print(f"{len(exported)} exported, {len(want)} wanted")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
