# tap.sh - the checks of the packaging tests, sourced by install_test.sh
# shellcheck shell=bash
# and deb_test.sh: TAP-like lines ("ok N - ...", "not ok N - ..." with the
# details indented, "# skip: ..."), and a summary "N passed, M failed, K
# skipped" from tap_done, whose status is that of the whole test.

passed=0 failed=0 skipped=0 n=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [[ -n ${2:-} ]] && printf '%s\n' "$2" | sed 's/^/#   /'
    return 0
}
skip() { skipped=$((skipped + 1)); echo "# skip: $1"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() {
    local d=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$out"; fi
}
# expect DESCRIPTION GOT WANTED: ok when GOT holds every word of WANTED
expect() {
    local d=$1 got=$2 w missing=
    for w in $3; do
        [[ " $got " == *" $w "* ]] || missing+=" $w"
    done
    if [[ -z $missing ]]; then ok "$d"; else not_ok "$d" "missing:$missing; got: $got"; fi
}
# is DESCRIPTION GOT WANTED: ok when GOT is WANTED
is() { if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', wanted '$3'"; fi; }
# has DESCRIPTION TEXT LINE...: ok when TEXT has every LINE (whole lines)
has() {
    local d=$1 text=$2 l missing=
    shift 2
    for l in "$@"; do grep -qxF -- "$l" <<<"$text" || missing+=" $l"; done
    if [[ -z $missing ]]; then ok "$d"; else not_ok "$d" "missing:$missing"; fi
}
tap_done() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [[ $failed -eq 0 ]]
}
