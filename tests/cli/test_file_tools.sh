#!/bin/sh
# ttmv, ttcp, ttrm and ttrmdir on the command line, against ttbusd (run by busenv.py): the files
# move, are copied and removed, and their specs with them.
#   test_file_tools.sh OBJECTS TOOLDIR   (OBJECTS: tests/compat/compat_objects)
set -u
objects=$1 tools=$2
dir=$TTBUS_TEST_DIR/files
mkdir "$dir"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
specs() {  # specs FILE N: the file has N specs
    "$objects" count "$1" "$2" || fail "$1 should have $2 specs"
}
run() {  # run WANT_STATUS COMMAND...: the command exits with WANT_STATUS
    want=$1; shift
    "$@"; got=$?
    [ "$got" = "$want" ] || fail "$* exited $got, want $want"
}

echo a > "$dir/a.txt"
"$objects" create "$dir/a.txt" "$dir/objid" || fail "create"
specs "$dir/a.txt" 1

run 0 "$tools/ttmv" "$dir/a.txt" "$dir/b.txt"
[ -e "$dir/b.txt" ] && [ ! -e "$dir/a.txt" ] || fail "ttmv moved no file"
specs "$dir/a.txt" 0
specs "$dir/b.txt" 1

run 0 "$tools/ttcp" "$dir/b.txt" "$dir/c.txt"
[ -e "$dir/b.txt" ] && [ -e "$dir/c.txt" ] || fail "ttcp copied no file"
specs "$dir/b.txt" 1
specs "$dir/c.txt" 1

mkdir "$dir/d"
run 0 "$tools/ttmv" "$dir/b.txt" "$dir/c.txt" "$dir/d"
specs "$dir/d/b.txt" 1
specs "$dir/d/c.txt" 1

run 0 "$tools/ttcp" -r "$dir/d" "$dir/e"
specs "$dir/e/b.txt" 1
run 0 "$tools/ttrm" -r "$dir/e"
[ ! -e "$dir/e" ] || fail "ttrm -r left the directory"
specs "$dir/e/b.txt" 0
specs "$dir/d/b.txt" 1

run 0 "$tools/ttrm" "$dir/d/c.txt"
[ ! -e "$dir/d/c.txt" ] || fail "ttrm left the file"
specs "$dir/d/c.txt" 0

# -L: the specs only.
run 0 "$tools/ttmv" -L "$dir/d/b.txt" "$dir/d/moved.txt"
[ -e "$dir/d/b.txt" ] && [ ! -e "$dir/d/moved.txt" ] || fail "ttmv -L touched the file"
specs "$dir/d/moved.txt" 1
run 0 "$tools/ttrm" -L "$dir/d/moved.txt"
specs "$dir/d/moved.txt" 0

mkdir "$dir/empty"
"$objects" create "$dir/empty" "$dir/objid2" || fail "create in a directory"
specs "$dir/empty" 1
run 0 "$tools/ttrmdir" "$dir/empty"
[ ! -e "$dir/empty" ] || fail "ttrmdir left the directory"
specs "$dir/empty" 0

# Failures: mv's status comes through; a usage error is 2 with one line and the hint.
run 1 "$tools/ttmv" "$dir/no-such-file" "$dir/x" 2>/dev/null
out=$("$tools/ttrm" 2>&1); status=$?
[ "$status" = 2 ] || fail "ttrm without operands exited $status"
[ "$out" = "ttrm: missing file operand
Try 'ttrm --help'." ] || fail "ttrm without operands said: $out"

[ "$failures" = 0 ] || exit 1
echo "file tools: all checks passed"
