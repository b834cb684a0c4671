#!/usr/bin/env bash
#
# run.sh - baogao against SQLite FTS5 (trigram) and ripgrep on one corpus,
# in one run (not run by CI; see "Benchmarks" in README.md).
#
#   bench/run.sh [--out DIR] [--build DIR] [--save NAME] [--duration SECS]
#                [--cat-duration SECS] [--runs N] [--cli-runs N] [--rg-runs N]
#                [--seed N] [--formats LIST] [--no-scale-check] PATH...
#
# PATH... make up one corpus (a folder: its top-level *.txt and every *.md
# under it).  Installs what is missing (bench/install-deps.sh), builds
# baogao in Release mode in --build (default $TMPDIR/baogao-bench-build),
# then runs bench/bench.py: both indexes built, the query mix through
# baogao (searchd and CLI), FTS5 and rg -F, counts checked against a
# brute-force reference, searchd under wrk with 16 connections (the whole
# mix, then each query category alone for --cat-duration seconds, default
# max(3, duration / 6), 0 for none), and a table of figures against the
# targets.  Work files go to --out (default
# $TMPDIR/baogao-bench); --save NAME also writes the report to
# bench/results/DATE-NAME.txt.  --formats 4,6 builds one baogao index per
# index format listed (baogao-index --format N) and measures each of them
# (FTS5 and rg once), the report giving one baogao column per format, its
# targets those of the last one; without it, the indexer's default format.
# Exit status 1 when a baogao count (of any format) differs from the
# reference.
#
#   bench/run.sh corpus/
#   bench/run.sh --formats 4,6 --duration 10 corpus/
#   bench/run.sh --save shared-corpus ../shared/corpus
#   bench/run.sh --save shared-corpus+scale ../shared/corpus ../shared/scale
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${TMPDIR:-/tmp}/baogao-bench
build=${TMPDIR:-/tmp}/baogao-bench-build
save=
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --save) save=$2; shift 2 ;;
    --duration|--cat-duration|--runs|--cli-runs|--rg-runs|--seed|--formats) args+=("$1" "$2"); shift 2 ;;
    --no-scale-check) args+=("$1"); shift ;;
    -h|--help) sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: bench/run.sh [options] PATH... (see --help)" >&2; exit 2; }

"$here/install-deps.sh"
echo "building baogao (Release) in $build ..." >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target baogao baogao-index baogao-searchd >/dev/null

mkdir -p "$out"
rc=0
python3 "$here/bench.py" --build "$build" --out "$out" "${args[@]}" "$@" || rc=$?
if [ -n "$save" ] && [ -s "$out/report.txt" ]; then
  mkdir -p "$here/results"
  cp "$out/report.txt" "$here/results/$(date +%F)-$save.txt"
  echo "saved bench/results/$(date +%F)-$save.txt" >&2
fi
exit $rc
