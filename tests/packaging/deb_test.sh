#!/usr/bin/env bash
#
# deb_test.sh - builds the Debian package of a build folder with
# `cpack -G DEB` into a temporary folder and checks it with dpkg-deb and
# lintian, without installing it:
#
#   - the control fields: name, version (also the changelog's), architecture,
#     Depends naming the Debian library packages the programs link (from
#     dpkg-shlibdeps, each one a package this machine has installed) and
#     adduser, Recommends libcurl (loaded for --server only);
#   - the file list: the programs in /usr/bin, man pages, bash and zsh
#     completions, the unit in /usr/lib/systemd/system, copyright and
#     changelog, the web page when the source has one; nothing outside
#     /usr, everything owned by root;
#   - the unit inside: /usr/bin/baogao-searchd as user baogao on
#     /var/lib/baogao/index, listening on loopback;
#   - the maintainer scripts, run against a temporary DPKG_ROOT with the
#     commands they call (adduser, chown, deb-systemd-helper, ...) replaced
#     by stubs that log their arguments: postinst configure makes the user
#     and the index folder and enables the unit, starting it only where
#     systemd runs (restart on an upgrade); postrm purge
#     deletes /var/lib/baogao;
#   - lintian: no error (warnings and notes are printed).
#
#   deb_test.sh BUILD_DIR SOURCE_DIR
#
# Skips (status 77) when cpack, dpkg-deb or dpkg-shlibdeps is missing;
# lintian alone missing skips its check.  scripts/install-deps.sh installs
# them.  Output is TAP-like with a last line "N passed, M failed".
set -uo pipefail

build=${1:?usage: deb_test.sh BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: deb_test.sh BUILD_DIR SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
source_dir=$(cd "$source_dir" && pwd)
version=$(sed -n 's/^project(baogao VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")

for tool in cpack dpkg-deb dpkg-shlibdeps; do
    if ! command -v $tool >/dev/null; then
        echo "1..0 # SKIP needs $tool (dpkg-dev; scripts/install-deps.sh installs it)"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/baogao-deb.XXXXXX")
trap '[[ -n ${BAOGAO_KEEP_TMP:-} ]] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT

source "$here/tap.sh"

# ---- build the package

export LC_ALL=C.UTF-8
if out=$(cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" 2>&1); then
    ok "cpack -G DEB"
else
    not_ok "cpack -G DEB" "$out"
    tap_done
    exit 1
fi
arch=$(dpkg --print-architecture)
deb=$tmp/out/baogao_${version}_$arch.deb
if [[ -f $deb ]]; then ok "made $(basename "$deb")"; else
    not_ok "made baogao_${version}_$arch.deb" "$(ls "$tmp/out")"
    tap_done
    exit 1
fi

# ---- control fields

field() { dpkg-deb -f "$deb" "$1"; }
is "Package" "$(field Package)" baogao
is "Version" "$(field Version)" "$version"
is "Architecture" "$(field Architecture)" "$arch"
changelog_version=$(sed -n '1s/^baogao (\([^)]*\)).*/\1/p' "$source_dir/packaging/changelog")
is "packaging/changelog's first entry is this version" "$changelog_version" "$version"

depends=$(field Depends)
dep_names=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ *(.*//; s/ *|.*//' | sort -u)
missing=
for lib in adduser libc6 libxapian30 libjansson4 libutf8proc2 libmicrohttpd12 \
    zlib1g libzip4 libxml2 libpoppler-glib8; do
    grep -qx "$lib" <<<"$dep_names" || missing+=" $lib"
done
if [[ -z $missing ]]; then ok "Depends names the library packages and adduser"; else
    not_ok "Depends names the library packages and adduser" "missing:$missing in: $depends"
fi
not_installed=
for p in $dep_names; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        not_installed+=" $p"
done
if [[ -z $not_installed ]]; then ok "every dependency is a Debian package installed here"; else
    not_ok "every dependency is a Debian package installed here" "not:$not_installed"
fi
case $depends in
    *-dev* | *libcurl*) not_ok "Depends has no -dev package and no libcurl" "$depends" ;;
    *) ok "Depends has no -dev package and no libcurl" ;;
esac
is "Recommends: libcurl for --server" "$(field Recommends)" "libcurl4 | libcurl3-gnutls"

# ---- file list

list=$(dpkg-deb -c "$deb")
files=$(awk '{ print $6 }' <<<"$list" | sed 's|^\./|/|; s|/$||' | grep -v '^$')
has "the file list" "$files" \
    /usr/bin/baogao /usr/bin/baogao-index /usr/bin/baogao-searchd \
    /usr/share/man/man1/baogao.1.gz /usr/share/man/man1/baogao-index.1.gz \
    /usr/share/man/man8/baogao-searchd.8.gz \
    /usr/share/bash-completion/completions/baogao \
    /usr/share/bash-completion/completions/baogao-index \
    /usr/share/bash-completion/completions/baogao-searchd \
    /usr/share/zsh/vendor-completions/_baogao \
    /usr/lib/systemd/system/baogao-searchd.service \
    /usr/share/doc/baogao/copyright /usr/share/doc/baogao/changelog.gz
outside=$(grep -v '^/usr\(/\|$\)' <<<"$files" || true)
if [[ -z $outside ]]; then ok "nothing outside /usr"; else not_ok "nothing outside /usr" "$outside"; fi
local_files=$(grep '^/usr/local' <<<"$files" || true)
if [[ -z $local_files ]]; then ok "nothing in /usr/local"; else not_ok "nothing in /usr/local" "$local_files"; fi
owners=$(awk '{ print $2 }' <<<"$list" | sort -u | tr '\n' ' ')
is "every file owned by root/root" "$owners" "root/root "
modes=$(grep -E '^-' <<<"$list" | awk '$6 ~ /^\.\/usr\/bin\// { print $1 }' | sort -u | tr '\n' ' ')
is "programs are 0755" "$modes" "-rwxr-xr-x "
if [[ -d $source_dir/web ]]; then
    n_web=$(find "$source_dir/web" -type f | wc -l)
    n_deb=$(grep -c '^/usr/share/baogao/web/.*[^/]$' <<<"$(grep -E '^-' <<<"$list" | awk '{ print $6 }' | sed 's|^\./|/|')" || true)
    is "the web page in /usr/share/baogao/web" "$n_deb" "$n_web"
else
    skip "no web/ folder in the source"
fi

# ---- the unit and the maintainer scripts, from the package

dpkg-deb -x "$deb" "$tmp/root-files"
dpkg-deb -e "$deb" "$tmp/control"
unit=$(cat "$tmp/root-files/usr/lib/systemd/system/baogao-searchd.service")
has "the unit: /usr/bin/baogao-searchd as baogao on /var/lib/baogao/index, loopback, enabled for multi-user" "$unit" \
    "ExecStart=/usr/bin/baogao-searchd --index \${BAOGAO_INDEX} --listen \${BAOGAO_LISTEN} \$BAOGAO_SEARCHD_OPTS" \
    "User=baogao" "Group=baogao" \
    "Environment=BAOGAO_INDEX=/var/lib/baogao/index" \
    "Environment=BAOGAO_LISTEN=127.0.0.1:8765" \
    "NoNewPrivileges=yes" "ProtectSystem=strict" "PrivateTmp=yes" \
    "IPAddressDeny=any" "IPAddressAllow=localhost" \
    "WantedBy=multi-user.target"
for s in postinst prerm postrm; do
    if [[ -x $tmp/control/$s ]] && sh -n "$tmp/control/$s"; then ok "$s: executable, parses"; else
        not_ok "$s: executable, parses"
    fi
done

# Stubs of the commands the scripts call, each logging its arguments.
stubs=$tmp/stubs
mkdir -p "$stubs"
for c in adduser chown deb-systemd-helper deb-systemd-invoke systemctl; do
    printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$c" "$tmp/calls" >"$stubs/$c"
    chmod +x "$stubs/$c"
done
printf '#!/bin/sh\nexit 2\n' >"$stubs/getent" # no user baogao yet
chmod +x "$stubs/getent"
root=$tmp/dpkg-root
mkdir -p "$root"
run_script() { # run_script SCRIPT ARGS...: the calls it made, one a line
    rm -f "$tmp/calls"
    DPKG_ROOT=$root PATH=$stubs:$PATH sh "$tmp/control/$1" "${@:2}" >/dev/null 2>"$tmp/err" ||
        echo "exit status $?: $(cat "$tmp/err")" >>"$tmp/calls"
    cat "$tmp/calls" 2>/dev/null
}

calls=$(run_script postinst configure)
has "postinst configure (no systemd running): user, folder, unit enabled, not started" "$calls" \
    "adduser --system --group --home /var/lib/baogao --no-create-home --quiet baogao" \
    "chown baogao:baogao $root/var/lib/baogao" \
    "chown baogao:baogao $root/var/lib/baogao/index" \
    "deb-systemd-helper enable baogao-searchd.service"
if [[ -d $root/var/lib/baogao/index ]]; then ok "postinst made /var/lib/baogao/index"; else not_ok "postinst made /var/lib/baogao/index"; fi
if grep -q 'invoke\|systemctl\|exit status' <<<"$calls"; then
    not_ok "postinst starts nothing where systemd is not running" "$calls"
else
    ok "postinst starts nothing where systemd is not running"
fi
mkdir -p "$root/run/systemd/system"
calls=$(run_script postinst configure)
has "postinst configure (systemd running): daemon-reload, start" "$calls" \
    "systemctl --system daemon-reload" "deb-systemd-invoke start baogao-searchd.service"
calls=$(run_script postinst configure 0.0.9)
has "postinst configure OLD-VERSION (an upgrade): restart" "$calls" \
    "deb-systemd-invoke restart baogao-searchd.service"
if grep -q chown <<<"$calls"; then not_ok "postinst leaves an existing index folder alone" "$calls"; else
    ok "postinst leaves an existing index folder alone"
fi
calls=$(run_script postrm purge)
if [[ ! -e $root/var/lib/baogao ]] && grep -q "deb-systemd-helper purge baogao-searchd.service" <<<"$calls"; then
    ok "postrm purge deletes /var/lib/baogao and the unit's state"
else
    not_ok "postrm purge deletes /var/lib/baogao and the unit's state" "$calls"
fi
calls=$(run_script postinst bogus)
if grep -q 'exit status' <<<"$calls"; then ok "postinst refuses an unknown action"; else not_ok "postinst refuses an unknown action" "$calls"; fi

# ---- lintian

if command -v lintian >/dev/null; then
    lintian --fail-on error "$deb" >"$tmp/lintian.out" 2>&1
    status=$?
    out=$(grep -v '^running with root privileges' "$tmp/lintian.out")
    [[ -n $out ]] && printf '%s\n' "$out" | sed 's/^/# lintian: /'
    if [[ $status -eq 0 ]] && ! grep -q '^E:' <<<"$out"; then ok "lintian: no error"; else
        not_ok "lintian: no error" "$out"
    fi
else
    skip "lintian is not installed: the package not checked with it"
fi

tap_done
