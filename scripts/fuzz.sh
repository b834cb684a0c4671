#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_<target>.c, clang with
# ASan + UBSan) in build-fuzz/ and runs each for a given time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets: units encoding report query params formats (default: all),
# 300 seconds each by default.  Each target starts from the committed seeds
# (tests/fuzz/seeds/<target>/), seeds cut from ../shared when it is there,
# and what earlier runs found (build-fuzz/corpus/<target>/, kept between
# runs).  A crash, a failed check, a leak, a timeout or running out of
# memory stops that target, leaves the input in build-fuzz/crashes/<target>/
# and makes the script exit 1 after the other targets have run.  To keep a
# finding once fixed, copy its input to tests/fuzz/regressions/<target>/:
# ctest replays that folder in every build.
#
# Environment: FUZZ_JOBS (default 1: the machine is shared) runs that many
# fuzzing processes per target; FUZZ_ARGS adds libFuzzer options.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

all_targets=(units encoding report query params formats)
seconds="${1:-300}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " =~ " $t " ]]; then
    echo "fuzz.sh: unknown target '$t' (targets: ${all_targets[*]})" >&2
    exit 2
  fi
done

# clang and its runtime libraries (libFuzzer, the sanitizers): installed
# here rather than by install-deps.sh, since the normal build uses gcc.
packages=(clang libclang-rt-14-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "fuzz.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
scripts/install-deps.sh >/dev/null

build="$root/build-fuzz"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBAOGAO_FUZZ=ON -DBAOGAO_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

# Seeds from ../shared (more reports, GBK and Big5 texts, real web pages).
shared="$root/../shared"
generated="$build/seeds"
rm -rf "$generated"
if [ -d "$shared/corpus" ]; then
  python3 tests/fuzz/make_seeds.py "$generated" --shared "$shared"
fi

# Longest input per target: a few paragraphs of a report, a query, a
# query string, a small document.
declare -A max_len=([units]=4096 [encoding]=8192 [report]=8192 [query]=512
                    [params]=1024 [formats]=32768)
declare -A dict=([query]=tests/fuzz/query.dict [params]=tests/fuzz/params.dict)

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
summary=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" crashes="$build/crashes/$t" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$build/logs"
  args=(-max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/")
  [ -n "${dict[$t]:-}" ] && args+=(-dict="$root/${dict[$t]}")
  jobs="${FUZZ_JOBS:-1}"
  [ "$jobs" -gt 1 ] && args+=(-jobs="$jobs" -workers="$jobs")
  # shellcheck disable=SC2206
  [ -n "${FUZZ_ARGS:-}" ] && args+=(${FUZZ_ARGS})
  # New inputs go to the first folder; the others are only read.
  dirs=("$corpus" "$root/tests/fuzz/seeds/$t")
  [ -d "$generated/$t" ] && dirs+=("$generated/$t")
  [ -d "$root/tests/fuzz/regressions/$t" ] && dirs+=("$root/tests/fuzz/regressions/$t")
  echo "== fuzz_$t: ${seconds}s (log: ${log#"$root"/})"
  rm -f "$build"/fuzz-*.log
  rc=0
  (cd "$build" && "$build/tests/fuzz/fuzz_$t" "${args[@]}" "${dirs[@]}") \
    >"$log" 2>&1 || rc=$?
  runs="$(cat "$log" "$build"/fuzz-*.log 2>/dev/null |
          awk '/stat::number_of_executed_units/ {n += $2} END {print n + 0}' || true)"
  if [ $rc -ne 0 ]; then
    status=1
    summary+=("fuzz_$t: FINDING after $runs runs (exit $rc): $(ls "$crashes" | tail -1)")
    grep -m3 -E 'ERROR|runtime error|check failed' "$log" || true
  else
    summary+=("fuzz_$t: ok, $runs runs in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs")
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
