#!/bin/sh
# Who may read or change a file's specs is decided by the file's permissions for the calling user,
# never the broker's (which may be root). Root passes every permission check, so the bus, the
# broker and the program run as an unprivileged user (nobody, 65534) when this runs as root; then
# files of another user (root) are refused too. Run by someone else, the test uses that user and
# only their own files.
#   objects_access.sh BUSENV TTBUSD TYPES PROGRAM
set -eu
busenv=$1 ttbusd=$2 types=$3 program=$4
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
chmod 0755 "$top"
mkdir "$top/mine"
run="" python=python3
if [ "$(id -u)" = 0 ]; then
    echo secret > "$top/other.txt" && chmod 0600 "$top/other.txt"
    echo public > "$top/readable.txt" && chmod 0644 "$top/readable.txt"
    # Shared through a supplementary group of the unprivileged user's (one no one else has).
    echo shared > "$top/grouped.txt" && chown 0:4242 "$top/grouped.txt" && chmod 0660 "$top/grouped.txt"
    chown 65534:65534 "$top/mine"
    run="setpriv --reuid=65534 --regid=65534 --groups=4242"
    python=/usr/bin/python3  # the system's: a python under root's home is out of nobody's reach
fi
# A bus of the unprivileged user's own: the user's broker serves that user alone.
HOME="$top/mine" TMPDIR="$top/mine" $run $python "$busenv" --bus dbus-daemon --ttbusd "$ttbusd" --types "$types" -- \
    "$program" access "$top"
