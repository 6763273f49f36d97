#!/bin/sh
# A receiver in a session of its own (ttsession -c) and a sender in the default session.
set -eu
ttsession=$1 program=$2
file="$TTBUS_TEST_DIR/shared.txt" ready="$TTBUS_TEST_DIR/receiver.ready"
: > "$file"
"$ttsession" -c "$program" receive "$file" "$ready" &
receiver=$!
i=0
while [ ! -e "$ready" ]; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "receiver not ready" >&2; exit 1; }
    sleep 0.05
done
"$program" send "$file"
wait $receiver
