#!/usr/bin/env python3
"""The exported symbols of libtt.so.2 are exactly the 221 functions of <Tt/tt_c.h>, and all of
<Tt/tttk.h>: its 28 functions and its 10 Tttk_* data symbols.

    symbols.py LIBTT_SO TT_C_H TTTK_H
"""
import re
import subprocess
import sys

def declared_in(header, pattern, count, what):
    with open(header) as f:
        names = re.findall(pattern, f.read(), re.M)
    if len(names) != count or len(set(names)) != count:
        raise SystemExit(f"{header} declares {len(names)} {what}, want {count}")
    return set(names)


def main():
    lib, tt_c, tttk = sys.argv[1], sys.argv[2], sys.argv[3]
    declared = declared_in(tt_c, r"^extern [^;(]*?\b(tt_\w+)\(", 221, "functions")
    want = set(declared)
    want |= declared_in(tttk, r"^extern [^;(]*?\b(tt\w+)\(", 28, "functions")
    data = declared_in(tttk, r"^extern const char \*(Tttk_\w+);", 10, "vtype names")
    want |= data
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    exported = {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}
    ok = True
    # The vtype names are data (the classic ABI: programs read the pointer), not functions.
    for line in out.splitlines():
        fields = line.split()
        if fields and fields[-1].split("@")[0] in data and fields[-2] not in ("D", "B"):
            print("not a data symbol:", line)
            ok = False
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
