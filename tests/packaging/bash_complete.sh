#!/usr/bin/env bash
# bash_complete.sh - what bash's completion offers for command lines.
#
#   bash_complete.sh COMPLETION_FILE LINE...
#
# Loads bash-completion and COMPLETION_FILE, then for each LINE splits it
# into words as readline does (white space, and the characters of
# COMP_WORDBREAKS as words of their own), calls the completion function of
# the line's command as bash would for completion at the end of the line,
# and prints "LINE => MATCH MATCH ..." (COMPREPLY, sorted).
source /usr/share/bash-completion/bash_completion || exit 77
source "$1" || exit 1
shift
compopt() { :; } # only valid inside a real completion

complete_line()
{
    local line=$1 word='' c i kind=space
    COMP_WORDS=()
    for ((i = 0; i < ${#line}; i++)); do
        c=${line:i:1}
        if [[ $c == " " ]]; then
            [[ -n $word ]] && COMP_WORDS+=("$word")
            word='' kind=space
        elif [[ $COMP_WORDBREAKS == *"$c"* && $c != '"' && $c != "'" ]]; then
            [[ $kind == word && -n $word ]] && COMP_WORDS+=("$word") && word=
            word+=$c kind=break
        else
            [[ $kind == break && -n $word ]] && COMP_WORDS+=("$word") && word=
            word+=$c kind=word
        fi
    done
    COMP_WORDS+=("$word")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    local spec
    spec=$(complete -p "${COMP_WORDS[0]##*/}" 2>/dev/null) || return 0
    local func=${spec#*-F }
    func=${func%% *}
    "$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

for line in "$@"; do
    complete_line "$line"
    printf '%s => %s\n' "$line" "$(printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//')"
done
