#!/bin/bash
# The bash completions (data/bash-completion) complete what the programs take.
# Usage: test_completions.sh COMPLETIONS_DIR
set -u
dir=$1
# shellcheck source=/dev/null
source /usr/share/bash-completion/bash_completion || exit 1
failed=0
# Outside a real completion, compopt refuses to run; what it sets is not under test here.
compopt() { :; }

# complete WORDS... : the candidates for the last word, sorted, on one line.
complete_line() {
    local program=$1
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    local function
    function=$(complete -p "$program" | sed -E 's/.*-F ([^ ]+) .*/\1/')
    "$function" "$program" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}

expect() {
    local want=$1
    shift
    local got
    got=$(complete_line "$@")
    if [ "$got" != "$want" ]; then
        echo "FAIL: completing '$*': got '$got', want '$want'"
        failed=1
    fi
}

for program in ttbusd ttsession ttbusctl tt_type_comp ttbus-bridge ttmv; do
    # shellcheck source=/dev/null
    source "$dir/$program" || { echo "FAIL: $program does not load"; failed=1; }
done

expect "send sessions " ttbusctl se
expect "file file_in_session " ttbusctl send Op --scope fi
expect "--oneline --op= " ttbusctl monitor --o
expect "discard " ttbusctl request Op --disposition di
expect "--help " ttsession --he
expect "cookie " ttsession -a co
expect "network " tt_type_comp -d n
expect "--version " ttbusd --v
expect "--config= " ttbus-bridge --co
expect "-L " ttrmdir -L
expect "-R " ttcp -p -R
expect "--help " ttmv --h
expect "-f " ttrm -f
exit $failed
