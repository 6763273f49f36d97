#!/bin/sh
# Object specs across processes (objects.c): one process creates a spec, another finds it and
# sends it an object-addressed request that starts the otype's handler; the file is renamed and
# tt_file_move carries its specs.
set -eu
program=$1
dir=$TTBUS_TEST_DIR
echo text > "$dir/doc.txt"
"$program" create "$dir/doc.txt" "$dir/objid"
"$program" query "$dir/doc.txt" "$dir/objid"
mv "$dir/doc.txt" "$dir/moved.txt"
"$program" move "$dir/doc.txt" "$dir/moved.txt" "$dir/objid"
