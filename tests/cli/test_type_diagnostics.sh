#!/bin/sh
# tt_type_comp's diagnostics come from the types library, which looks its texts up in the ttbus
# text domain (dgettext): in the program's locale, still in the "file:line:col: " form.
# Usage: test_type_diagnostics.sh TT_TYPE_COMP EXPECTED_SYNTAX_LINE EXPECTED_CHECK_LINE
# (run with LANG set and TTBUS_LOCALEDIR naming the build tree's catalogues)
set -u
comp=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
printf 'ptype Broken {\n  handle:\n    session Show(in string name) => start\n};\n' > syntax.types
printf 'ptype A { handle: session X() => start; };\notype O : Missing { };\n' > check.types
failed=0
for pair in "syntax.types|$2" "check.types|$3"; do
    file=${pair%%|*}
    expected=${pair#*|}
    out=$("$comp" -p "$file" 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
        echo "$file: tt_type_comp succeeded on a bad file"
        failed=1
    fi
    if [ "$out" != "$expected" ]; then
        printf '%s: expected\n  %s\ngot\n  %s\n' "$file" "$expected" "$out"
        failed=1
    fi
done
exit $failed
