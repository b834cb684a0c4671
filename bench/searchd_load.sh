#!/usr/bin/env bash
#
# searchd_load.sh - load benchmark of baogao-searchd (not run by CI).
#
#   bench/searchd_load.sh [--build DIR] [--index DIR] [--duration 30s]
#                         [--connections 16] [--wrk-threads 2]
#                         [-- SEARCHD-OPTIONS...]
#
# Starts build/baogao-searchd on an ephemeral loopback port over the index
# (default: a temporary index of corpus/ and ../shared/corpus, built once
# and kept in $TMPDIR/baogao-bench-index), then runs wrk with many
# concurrent keep-alive connections through the request mix of
# bench/searchd_load.lua (searches of every kind, listings, health checks,
# about 12% bad requests, half of them asking for gzip), and prints
# requests per second, latency percentiles and the answers by status.
# Errors are 5xx answers and socket errors; the 4xx answers are the bad
# requests of the mix.  Needs wrk (Debian: apt-get install wrk).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
index=
duration=30s
connections=16
wrk_threads=2
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --wrk-threads) wrk_threads=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "searchd_load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || {
  echo "searchd_load.sh: needs wrk (apt-get install wrk)" >&2
  exit 2
}
for b in baogao-searchd baogao-index; do
  [ -x "$build/$b" ] || { echo "searchd_load.sh: no $build/$b" >&2; exit 2; }
done

if [ -z "$index" ]; then
  index=${TMPDIR:-/tmp}/baogao-bench-index
  if [ ! -e "$index/XAPIANDB" ]; then
    echo "building $index ..."
    dirs=("$root/corpus")
    [ -d "$root/../shared/corpus" ] && dirs+=("$root/../shared/corpus")
    "$build/baogao-index" --index "$index" "${dirs[@]}" || true
  fi
fi

out=$(mktemp)
err=$(mktemp)
"$build/baogao-searchd" --index "$index" --listen 127.0.0.1:0 --quiet \
  "${extra[@]}" >"$out" 2>"$err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out" "$err"' EXIT
for _ in $(seq 100); do
  grep -q 'listening on' "$out" && break
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "searchd did not start:" >&2; cat "$err" >&2; exit 1; }

reports=$(curl -s "$url/v1/stats" | sed -n 's/.*"reports": \([0-9]*\).*/\1/p')
echo "baogao-searchd $url: ${reports:-?} reports, $(nproc) CPUs, options: ${extra[*]:-(defaults)}"
echo "wrk -t$wrk_threads -c$connections -d$duration -s bench/searchd_load.lua $url"
wrk -t"$wrk_threads" -c"$connections" -d"$duration" --timeout 10s \
  -s "$here/searchd_load.lua" "$url" | sed -n '/^requests/,$p'

curl -s "$url/healthz" >/dev/null || { echo "searchd is down after the run" >&2; exit 1; }
t0=$(date +%s.%N)
kill -TERM $pid
wait $pid && rc=0 || rc=$?
t1=$(date +%s.%N)
awk -v rc="$rc" -v a="$t0" -v b="$t1" 'BEGIN { printf "SIGTERM: exit %d in %.2f s\n", rc, b - a }'
[ -s "$err" ] && { echo "searchd stderr:"; cat "$err"; }
exit 0
