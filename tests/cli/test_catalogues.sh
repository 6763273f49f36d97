#!/bin/sh
# Every catalogue in po/ translates every message of the sources as they are now: the template
# is extracted afresh and merged into each catalogue, and msgfmt --check --statistics must report
# only translated messages (no untranslated, no fuzzy) and no error.
# Usage: test_catalogues.sh SOURCE_ROOT SCRATCH_DIR
set -u
root=$1
scratch=$2
mkdir -p "$scratch"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments=TRANSLATORS: -C -D "$root" \
    -f "$root/po/POTFILES" -o "$scratch/ttbus.pot" || exit 1
failed=0
for lang in $(cat "$root/po/LINGUAS"); do
    msgmerge --quiet --no-fuzzy-matching -o "$scratch/$lang.po" "$root/po/$lang.po" "$scratch/ttbus.pot" || exit 1
    stats=$(msgfmt --check --statistics -o /dev/null "$scratch/$lang.po" 2>&1) || { echo "$lang: $stats"; failed=1; continue; }
    echo "$lang: $stats"
    case $stats in
        *untranslated* | *fuzzy* | *warning* | *error*) failed=1 ;;
    esac
done
exit $failed
