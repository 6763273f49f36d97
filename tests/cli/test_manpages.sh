#!/bin/sh
# Each manual page renders with man -l, groff and mandoc without a single warning.
# Usage: test_manpages.sh PAGE...
failed=0
for page in "$@"; do
    out=$(MANWIDTH=80 man --warnings=w -l "$page" 2>&1 >/dev/null)
    [ -z "$out" ] || { echo "man -l $page:"; echo "$out"; failed=1; }
    out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$out" ] || { echo "groff $page:"; echo "$out"; failed=1; }
    out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
    [ -z "$out" ] || { echo "mandoc $page:"; echo "$out"; failed=1; }
    [ "$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)" -gt 10 ] || { echo "$page renders nearly nothing"; failed=1; }
done
exit $failed
