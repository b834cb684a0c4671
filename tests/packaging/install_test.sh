#!/usr/bin/env bash
#
# install_test.sh - `cmake --install` into a temporary prefix, then the
# installed files at work: the three programs (index the shipped report,
# search it, serve it with baogao-searchd on an ephemeral loopback port and
# ask it through `baogao --server`), the man pages (man --warnings, found
# through MANPATH), the systemd unit (its ExecStart names the installed
# daemon; systemd-analyze verify), the bash and zsh completions (commands,
# options, --by values, filter keys, and region names and report ids read
# from the index), and the web page when the source has one.
#
#   install_test.sh BUILD_DIR SOURCE_DIR
#
# Nothing is installed outside the temporary folder.  Parts that need a
# tool the machine lacks (man, systemd-analyze, bash-completion, zsh, curl)
# are skipped with a message; scripts/install-deps.sh installs them all.
# Output is TAP-like ("ok N - ...") with a last line "N passed, M failed".
#
# Environment: BAOGAO_KEEP_TMP set keeps the temporary folder.
set -uo pipefail

build=${1:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
source_dir=$(cd "$source_dir" && pwd)
version=$(sed -n 's/^project(baogao VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/baogao-install.XXXXXX")
searchd_pid=
cleanup() {
    [[ -n $searchd_pid ]] && kill "$searchd_pid" 2>/dev/null && wait "$searchd_pid" 2>/dev/null
    if [[ -n ${BAOGAO_KEEP_TMP:-} ]]; then
        echo "# kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

source "$here/tap.sh"

prefix=$tmp/prefix
export LC_ALL=C.UTF-8

# ---- cmake --install

if out=$(cmake --install "$build" --prefix "$prefix" 2>&1); then
    ok "cmake --install into $prefix"
else
    not_ok "cmake --install into $prefix" "$out"
    tap_done
    exit 1
fi

files=(
    bin/baogao bin/baogao-index bin/baogao-searchd
    share/man/man1/baogao.1.gz share/man/man1/baogao-index.1.gz
    share/man/man8/baogao-searchd.8.gz
    share/bash-completion/completions/baogao
    share/bash-completion/completions/baogao-index
    share/bash-completion/completions/baogao-searchd
    share/zsh/site-functions/_baogao
    lib/systemd/system/baogao-searchd.service
    share/doc/baogao/copyright share/doc/baogao/changelog.gz
)
missing=
for f in "${files[@]}"; do [[ -f $prefix/$f ]] || missing+=" $f"; done
if [[ -z $missing ]]; then ok "every file in place"; else not_ok "every file in place" "missing:$missing"; fi
outside=$(sed "s|^$prefix/||" "$build/install_manifest.txt" | grep '^/' || true)
if [[ -z $outside ]]; then
    ok "install_manifest.txt lists nothing outside the prefix"
else
    not_ok "install_manifest.txt lists nothing outside the prefix" "$outside"
fi
if [[ -d $source_dir/web ]]; then
    web_missing=
    while IFS= read -r f; do
        [[ -f $prefix/share/baogao/web/$f ]] || web_missing+=" $f"
    done < <(cd "$source_dir/web" && find . -type f | sed 's|^\./||')
    if [[ -z $web_missing ]]; then ok "web/ in share/baogao/web"; else not_ok "web/ in share/baogao/web" "missing:$web_missing"; fi
else
    skip "no web/ folder in the source: no web files to check"
fi

# ---- the installed programs

bin=$prefix/bin
for p in baogao baogao-index baogao-searchd; do
    got=$("$bin/$p" --version 2>&1)
    if [[ $got == "$p $version" || $got == "$p $version "* ]]; then
        ok "$p --version: $got"
    else
        not_ok "$p --version" "got '$got', wanted $version"
    fi
done
index=$tmp/index
check "installed baogao-index indexes corpus/" "$bin/baogao-index" -q --index "$index" "$source_dir/corpus"
got=$("$bin/baogao" --index "$index" --color never search 高质量发展 2>&1)
if [[ $got == *"paragraphs;"* && $got == *2023_济南市钢城区* ]]; then
    ok "installed baogao searches the index"
else
    not_ok "installed baogao searches the index" "$got"
fi

log=$tmp/searchd.log
"$bin/baogao-searchd" --index "$index" --listen 127.0.0.1:0 --quiet >"$log" 2>&1 &
searchd_pid=$!
url=
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$log")
    [[ -n $url ]] && break
    sleep 0.1
done
if [[ -z $url ]]; then
    not_ok "installed baogao-searchd listens" "$(cat "$log")"
else
    ok "installed baogao-searchd listens on $url"
    local_stats=$("$bin/baogao" --index "$index" --json stats 2>&1 | grep -o '"reports": *[0-9]*')
    remote_stats=$("$bin/baogao" --server "$url" --json stats 2>&1 | grep -o '"reports": *[0-9]*')
    if [[ -n $local_stats && $local_stats == "$remote_stats" ]]; then
        ok "baogao --server answers as the local index ($remote_stats)"
    else
        not_ok "baogao --server answers as the local index" "local '$local_stats', server '$remote_stats'"
    fi
    kill "$searchd_pid" 2>/dev/null
    wait "$searchd_pid" 2>/dev/null
    status=$?
    searchd_pid=
    if [[ $status -eq 0 ]]; then ok "baogao-searchd stops on SIGTERM with status 0"; else not_ok "baogao-searchd stops on SIGTERM" "status $status"; fi
fi

# ---- man pages

if command -v man >/dev/null; then
    for page in man1/baogao.1.gz man1/baogao-index.1.gz man8/baogao-searchd.8.gz; do
        warnings=$(man --warnings -E UTF-8 -l -Tutf8 -Z "$prefix/share/man/$page" 2>&1 >/dev/null)
        if [[ -z $warnings ]]; then ok "man --warnings: $page is clean"; else not_ok "man --warnings: $page" "$warnings"; fi
    done
    for name in baogao baogao-index baogao-searchd; do
        where=$(MANPATH=$prefix/share/man man -w "$name" 2>&1)
        if [[ $where == "$prefix"/share/man/man?/"$name".[18].gz ]]; then
            ok "man finds $name under the prefix"
        else
            not_ok "man finds $name under the prefix" "$where"
        fi
    done
    text=$(MANPATH=$prefix/share/man MANWIDTH=100 man baogao-searchd 2>/dev/null)
    expect "baogao-searchd(8) documents every option of --help" "$(echo "$text" | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ')" \
        "$("$bin/baogao-searchd" --help | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ')"
    text=$(MANPATH=$prefix/share/man MANWIDTH=100 man baogao-index 2>/dev/null)
    expect "baogao-index(1) documents every option of --help" "$(echo "$text" | grep -o -- '--[a-z0-9-]*' | sort -u | tr '\n' ' ')" \
        "$("$bin/baogao-index" --help | grep -o -- '--[a-z0-9-]*' | sort -u | tr '\n' ' ')"
    text=$(MANPATH=$prefix/share/man MANWIDTH=100 man baogao 2>/dev/null)
    help_words=$("$bin/baogao" --help | sed -n '/^commands:/,/^options:/p' | awk '/^  [a-z]/ { print $1 }' | tr '\n' ' ')
    expect "baogao(1) documents every command of --help" "$(echo "$text" | tr -s ' \t' '\n\n' | sort -u | tr '\n' ' ')" "$help_words"
else
    skip "man (man-db) is not installed: man pages not checked"
fi

# ---- the systemd unit

unit=$prefix/lib/systemd/system/baogao-searchd.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
if [[ $exec_start == "$bin/baogao-searchd "* ]]; then
    ok "the unit runs the installed daemon: $exec_start"
else
    not_ok "the unit runs the installed daemon" "$exec_start"
fi
expect "the unit: user baogao, /var/lib/baogao/index, loopback, hardening" "$(tr '\n' ' ' <"$unit")" \
    "User=baogao Environment=BAOGAO_INDEX=/var/lib/baogao/index Environment=BAOGAO_LISTEN=127.0.0.1:8765 NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes ReadOnlyPaths=/var/lib/baogao"
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify: the unit (and the man pages it names)" \
        env MANPATH="$prefix/share/man" systemd-analyze verify "$unit"
else
    skip "systemd-analyze is not installed: the unit not verified"
fi

# ---- completions: the installed programs first in PATH, the index above

export PATH=$bin:$PATH BAOGAO_INDEX=$index
lines=(
    "baogao se"
    "baogao --c"
    "baogao --color "
    "baogao search --s"
    "baogao search --sort "
    "baogao search 发展 "
    "baogao search 发展 reg"
    "baogao search 发展 region:济"
    "baogao search 发展 -region:济"
    "baogao search 发展 report:2023"
    "baogao search 发展 Region：济"
    "baogao search 发展 region:山东省,济"
    "baogao count 发展 --by "
    "baogao kwic 发展 --sort "
    "baogao compare 2023_"
    "baogao similar 2023_"
    "baogao-index --t"
    "baogao-searchd --max-c"
)
wanted=(
    "search"
    "--color"
    "auto always never"
    "--sort"
    "relevance year -year"
    "year: region: report:"
    "region:"
    "济南市钢城区"
    "济南市钢城区"
    "2023_济南市钢城区"
    "Region：济南市钢城区"
    "山东省,济南市钢城区"
    "year region report"
    "year left right"
    "2023_济南市钢城区"
    "2023_济南市钢城区#"
    "--t2s"
    "--max-connections --max-connections-per-ip"
)
if [[ -f /usr/share/bash-completion/bash_completion ]]; then
    out=$(bash "$here/bash_complete.sh" "$prefix/share/bash-completion/completions/baogao" "${lines[@]}" 2>&1)
    for i in "${!lines[@]}"; do
        got=$(printf '%s\n' "$out" | awk -v l="${lines[i]} => " 'index($0, l) == 1 { print substr($0, length(l) + 1) }')
        expect "bash: '${lines[i]}' offers ${wanted[i]}" "$got" "${wanted[i]}"
    done
    out=$(BAOGAO_INDEX=$tmp/none bash "$here/bash_complete.sh" "$prefix/share/bash-completion/completions/baogao" "baogao search region:" 2>&1)
    if [[ $out == "baogao search region: => " ]]; then ok "bash: no index, no region names"; else not_ok "bash: no index, no region names" "$out"; fi
else
    skip "bash-completion is not installed: bash completion not checked"
fi
if command -v zsh >/dev/null; then
    check "zsh -n: _baogao parses" zsh -n "$prefix/share/zsh/site-functions/_baogao"
    out=$(cd "$tmp" && TMPDIR=$tmp timeout 120 zsh "$here/zsh_complete.zsh" "$prefix/share/zsh/site-functions" "$bin" "${lines[@]}" 2>&1)
    for i in "${!lines[@]}"; do
        got=$(printf '%s\n' "$out" | awk -v l="${lines[i]} => " 'index($0, l) == 1 { print substr($0, length(l) + 1) }')
        # zsh keeps what comes before the value (region：, a,) as a prefix
        # and adds the '#' of REPORT#PARA as a suffix: neither is in a match
        w=${wanted[i]%#}
        w=${w##*[：,]}
        expect "zsh: '${lines[i]}' offers $w" "$got" "$w"
    done
else
    skip "zsh is not installed: zsh completion not checked"
fi

tap_done
