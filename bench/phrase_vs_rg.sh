#!/usr/bin/env bash
# Index build time and size for a corpus, and the median wall time of a few
# phrase queries through `baogao search` next to `rg -c -F` over the same
# files.  Not run by CI (timings on a shared machine are noisy).
#
#   bench/phrase_vs_rg.sh [CORPUS_DIR] [RUNS]
#
# Default corpus: ../shared/corpus (its top-level *.txt) plus corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${1:-../shared/corpus}"
runs="${2:-21}"
command -v rg >/dev/null || { scripts/install-deps.sh; apt-get install -y -qq ripgrep; }
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

files=("$corpus"/*.txt corpus/*.txt)
raw=$(cat "${files[@]}" | wc -c)
ix="$(mktemp -d)"
trap 'rm -rf "$ix"' EXIT

t0=$(date +%s.%N)
build/baogao-index --index "$ix/index" -q "${files[@]}"
t1=$(date +%s.%N)
size=$(du -sb "$ix/index" | cut -f1)
printf 'corpus   %d files, %.1f MB of text\n' "${#files[@]}" "$(echo "$raw/1000000" | bc -l)"
printf 'build    %.2f s\n' "$(echo "$t1 - $t0" | bc -l)"
printf 'index    %.1f MB (%.2fx the text)\n' "$(echo "$size/1000000" | bc -l)" "$(echo "$size/$raw" | bc -l)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { # runs "$@" $runs times, prints the median wall time in ms
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | median | awk '{printf "%.2f", $1/1000}'
}

engine_ms() { # median of the engine's own took_ms over $runs searches
  for _ in $(seq "$runs"); do
    build/baogao --index "$ix/index" --json search "$1" --limit 10 |
      sed -n 's/.*"took_ms": \([0-9.]*\).*/\1/p'
  done | median
}

echo
echo "baogao ms: the whole command (process start, index open, search, 10 hits"
echo "with text); engine ms: the search itself (took_ms); medians of $runs runs"
printf '%-24s %10s %10s %10s %8s %12s\n' query "baogao ms" "engine ms" "rg -c ms" "rg/baogao" "paragraphs"
for q in 高质量发展 稳中求进 新质生产力 人民代表大会 发展 "19.4亿元" 供给侧结构性改革; do
  b=$(time_ms build/baogao --index "$ix/index" --json search "$q" --limit 10)
  g=$(engine_ms "$q")
  r=$(time_ms rg -c -F "$q" "${files[@]}")
  n=$(build/baogao --index "$ix/index" --json search "$q" --limit 0 | sed -n 's/.*"total": \([0-9]*\).*/\1/p')
  printf '%-24s %10s %10s %10s %7.1fx %12s\n' "$q" "$b" "$g" "$r" "$(echo "$r/$b" | bc -l)" "$n"
done
