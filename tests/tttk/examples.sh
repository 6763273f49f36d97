#!/bin/sh
# The README's toolkit examples: tt_media_sender's Edit reaches tt_media_handler, which ttbusd
# starts from its type file, and comes back upper-cased; a Quit ends the handler. Then both
# examples build as a user builds them, with `pkg-config tt` (the uninstalled tt.pc of this build).
#
#   examples.sh SENDER TTBUSCTL BUILD_ROOT SOURCE_ROOT
set -eu
sender=$1 ttbusctl=$2 build=$3 source=$4

out=$("$sender" "hello, tttk")
[ "$out" = "HELLO, TTTK" ] || { echo "tt_media_sender printed '$out'" >&2; exit 1; }
"$ttbusctl" request Quit --arg in:boolean:int:0 --arg in:boolean:int:0 >/dev/null

export PKG_CONFIG_PATH="$build/meson-uninstalled"
for example in tt_media_handler tt_media_sender; do
    # shellcheck disable=SC2046
    cc -Wall -Wextra -Werror -o "$TTBUS_TEST_DIR/$example" "$source/examples/$example.c" $(pkg-config --cflags --libs tt)
done
echo "examples built with pkg-config tt"
