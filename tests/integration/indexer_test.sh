#!/usr/bin/env bash
#
# indexer_test.sh - behaviour tests of baogao-index (and the baogao CLI's
# handling of an index): fresh build, idempotent re-run, changed files,
# --prune, bad files, the lock, kill -9 at random moments (also during
# compaction), folder creation, the CLI's exit statuses, and report files
# in other formats and charsets with a manifest.tsv, a full disk and a
# read-only index (on a small tmpfs, when it can be mounted).
#
#   indexer_test.sh [BAOGAO_INDEX_BIN [BAOGAO_BIN]]
#
# The binaries come from the arguments, else from $BAOGAO_INDEX_BIN and
# $BAOGAO_BIN.  The corpus is built at run time from the project's seed
# report (corpus/2023_济南市钢城区.txt): variants made with awk, a GB18030
# copy and a gzip copy.  Output is TAP-like ("ok N - ...") with a last line
# "N passed, M failed"; the exit status is non-zero when a check failed.
#
# Environment:
#   BAOGAO_KILL_ROUNDS  kill -9 rounds during a build (default 8; fewer for
#                       slow sanitizer builds)
#   BAOGAO_TEST_SEED    seed of the random kill delays (default: random;
#                       printed so that a failure can be replayed)
#   BAOGAO_KEEP_TMP     set to keep the temporary folder for inspection
#
# Needs: bash, coreutils, awk, sed, iconv, gzip, flock(1), and jq or python3.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
seed_file="$here/../../corpus/2023_济南市钢城区.txt"
INDEX_BIN=${1:-${BAOGAO_INDEX_BIN:-}}
CLI_BIN=${2:-${BAOGAO_BIN:-}}
KILL_ROUNDS=${BAOGAO_KILL_ROUNDS:-8}
SEED=${BAOGAO_TEST_SEED:-$((($$ * 7919 + $(date +%s)) % 32768))}
RANDOM=$SEED

if [[ -z $INDEX_BIN || -z $CLI_BIN ]]; then
  echo "usage: $0 BAOGAO_INDEX_BIN BAOGAO_BIN (or set the env variables)" >&2
  exit 2
fi
for b in "$INDEX_BIN" "$CLI_BIN"; do
  [[ -x $b ]] || { echo "$0: $b is not an executable" >&2; exit 2; }
done
INDEX_BIN=$(cd "$(dirname "$INDEX_BIN")" && pwd)/$(basename "$INDEX_BIN")
CLI_BIN=$(cd "$(dirname "$CLI_BIN")" && pwd)/$(basename "$CLI_BIN")
[[ -r $seed_file ]] || { echo "$0: no seed report at $seed_file" >&2; exit 2; }

if command -v jq >/dev/null 2>&1; then
  JSON=jq
elif command -v python3 >/dev/null 2>&1; then
  JSON=python3
else
  echo "1..0 # SKIP needs jq or python3"
  exit 77
fi
for tool in awk sed iconv gzip flock; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "1..0 # SKIP needs $tool"
    exit 77
  fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/baogao-ixtest.XXXXXX")
bg_pids=()
n=0 passed=0 failed=0 finished=0 abort_line=unknown
trap 'abort_line=$LINENO' ERR
cleanup() {
  local p
  if [[ $finished == 0 ]]; then
    # set -e stopped the script on a command that was not expected to fail.
    echo "not ok $((n + 1)) - aborted: unexpected failure near line $abort_line"
    echo "$passed passed, $((failed + 1)) failed"
  fi
  for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ ${mounted_small:-0} == 1 ]]; then umount "$T/small" 2>/dev/null || true; fi
  if [[ -n ${BAOGAO_KEEP_TMP:-} ]]; then
    echo "# kept $T"
  else
    chmod -R u+w "$T" 2>/dev/null || true
    rm -rf "$T"
  fi
}
trap cleanup EXIT
export NO_COLOR=1 LC_ALL=C.UTF-8
unset BAOGAO_INDEX

# ---- reporting ----

ok() {
  n=$((n + 1)) passed=$((passed + 1))
  echo "ok $n - $1"
}
not_ok() {
  n=$((n + 1)) failed=$((failed + 1))
  echo "not ok $n - $1"
  shift
  local l
  for l in "$@"; do echo "#   $l"; done
}
skip() {
  n=$((n + 1)) passed=$((passed + 1))
  echo "ok $n - # SKIP $1"
}
# check DESC COMMAND...: passes when the command succeeds.
check() {
  local d=$1
  shift
  if "$@"; then ok "$d"; else not_ok "$d" "failed: $*"; fi
}
# check_eq DESC EXPECTED ACTUAL
check_eq() {
  if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "expected: $2" "got:      $3"; fi
}
# check_same_file DESC A B: the two files are equal (a diff on failure).
check_same_file() {
  if cmp -s "$2" "$3"; then
    ok "$1"
  else
    local d
    d=$(diff "$2" "$3" | head -20 | sed 's/^/    /')
    not_ok "$1" "$2 and $3 differ:" "$d"
  fi
}
# check_grep DESC PATTERN FILE: FILE holds a line matching PATTERN (ERE).
check_grep() {
  if grep -Eq -- "$2" "$3"; then
    ok "$1"
  else
    not_ok "$1" "no line matching /$2/ in:" "$(head -c 600 "$3")"
  fi
}

# run CMD...: runs with stdout in $T/out, stderr in $T/err, status in $rc.
rc=0
run() {
  set +e
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
# (Background runs call "$INDEX_BIN" itself: kill -9 must reach the indexer,
# not a subshell running a function.)
ix() { "$INDEX_BIN" "$@"; }
not() { ! "$@"; }
cli() { "$CLI_BIN" "$@"; }

# ---- JSON, through jq or python3 ----

# The reports of `baogao --json reports` (stdin), sorted by id, one
# canonical pretty-printed array.
norm_reports() {
  if [[ $JSON == jq ]]; then
    jq -S '.reports | sort_by(.id)'
  else
    python3 -c 'import json,sys
d=json.load(sys.stdin)["reports"]
print(json.dumps(sorted(d,key=lambda r:r["id"]),sort_keys=True,indent=2,ensure_ascii=False))'
  fi
}
# `baogao --json stats` (stdin) without the fields that may change when
# nothing else does (revision, timings, sizes on disk, the path).
norm_stats() {
  local re='revision|took|time|size|disk|^index$|^path$'
  if [[ $JSON == jq ]]; then
    jq -S --arg re "$re" 'with_entries(select(.key | test($re) | not))'
  else
    python3 -c 'import json,re,sys
d=json.load(sys.stdin)
print(json.dumps({k:v for k,v in d.items() if not re.search(sys.argv[1],k)},sort_keys=True,indent=2,ensure_ascii=False))' "$re"
  fi
}
# jget KEY: top-level value KEY of the JSON object on stdin.
jget() {
  if [[ $JSON == jq ]]; then
    jq -r --arg k "$1" '.[$k]'
  else
    python3 -c 'import json,sys
v=json.load(sys.stdin).get(sys.argv[1])
print("null" if v is None else json.dumps(v) if not isinstance(v,str) else v)' "$1"
  fi
}
# report_ids: the ids of `--json reports` (stdin), one per line, sorted.
report_ids() {
  if [[ $JSON == jq ]]; then
    jq -r '.reports[].id' | LC_ALL=C sort
  else
    python3 -c 'import json,sys
for r in json.load(sys.stdin)["reports"]: print(r["id"])' | LC_ALL=C sort
  fi
}
# report_field ID FIELD: a field of report ID in `--json reports` (stdin).
report_field() {
  if [[ $JSON == jq ]]; then
    jq -r --arg id "$1" --arg f "$2" '.reports[] | select(.id == $id) | .[$f]'
  else
    python3 -c 'import json,sys
for r in json.load(sys.stdin)["reports"]:
    if r["id"]==sys.argv[1]:
        v=r.get(sys.argv[2]); print(json.dumps(v) if not isinstance(v,str) else v)' "$1" "$2"
  fi
}
# hit_reports: the distinct report ids of the hits of a search (stdin).
hit_reports() {
  if [[ $JSON == jq ]]; then
    jq -r '.hits[].report' | LC_ALL=C sort -u
  else
    python3 -c 'import json,sys
for h in json.load(sys.stdin)["hits"]: print(h["report"])' | LC_ALL=C sort -u
  fi
}
# The same report list without one id (to compare the others).
reports_without() {
  if [[ $JSON == jq ]]; then
    jq -S --arg id "$1" '[.[] | select(.id != $id)]'
  else
    python3 -c 'import json,sys
d=[r for r in json.load(sys.stdin) if r["id"]!=sys.argv[1]]
print(json.dumps(d,sort_keys=True,indent=2,ensure_ascii=False))' "$1"
  fi
}

# ---- index snapshots ----

QUERIES=(
  "高质量发展"
  "钢城区"
  "区政府"
  "专属语句"
  "发展 -经济"
  "稳中求进 OR 招商引资"
  "(产业 OR 企业) 创新"
  "year:2023"
  "year:2020..2022 招商引资"
  "region:测试区 民生"
  "2022年"
  "\"5G\""
)

# totals DIR: "query<TAB>total" for every query of QUERIES.
totals() {
  local q t
  for q in "${QUERIES[@]}"; do
    t=$(cli --index "$1" --json search "$q" --limit 0 | jget total) || t=ERROR
    printf '%s\t%s\n' "$q" "$t"
  done
}
total_of() { cli --index "$1" --json search "$2" --limit 0 | jget total; }
doccount() { cli --index "$1" --json stats | jget reports; }
# snapshot DIR PREFIX: PREFIX.reports, PREFIX.stats, PREFIX.totals.
snapshot() {
  cli --index "$1" --json reports | norm_reports >"$2.reports" || true
  cli --index "$1" --json stats | norm_stats >"$2.stats" || true
  totals "$1" >"$2.totals" || true
}
# paragraphs FILE: the paragraphs of a .txt report: its non-blank lines.
paragraphs() { grep -cv '^[[:space:]]*$' "$1" || true; }

# ---- the corpus ----

# variant K OUT: a report unlike the seed and unlike every other K: the
# seed's header, then its body with some lines dropped, some variants
# shuffled or truncated, the district renamed, and a last paragraph of its
# own.
variant() {
  LC_ALL=C awk -v k="$1" '
    NR <= 6 { head[NR] = $0; next }
    {
      if ((NR + k) % 7 == 0) next
      gsub(/钢城区/, "测试区")
      body[++nb] = $0
    }
    END {
      srand(k)
      if (k % 2 == 1)
        for (i = nb; i > 1; i--) {
          j = int(rand() * i) + 1
          t = body[i]; body[i] = body[j]; body[j] = t
        }
      if (k % 3 == 0 && nb > 30 + k % 20) nb = 30 + k % 20
      for (i = 1; i <= 6; i++) print head[i]
      for (i = 1; i <= nb; i++) print body[i]
      printf "第%d份测试报告的专属语句：编号%d，仅此一处。\n", k, 1000 + k
    }' "$seed_file" >"$2"
}

echo "# baogao-index: $INDEX_BIN"
echo "# baogao:       $CLI_BIN"
echo "# tmp $T, json via $JSON, kill rounds $KILL_ROUNDS, seed $SEED"

C1=$T/c1
mkdir -p "$C1"
cp "$seed_file" "$C1/"
for y in 2020 2021 2022 2023 2024; do variant $((y - 2019)) "$C1/${y}_测试区.txt"; done
iconv -f UTF-8 -t GB18030 "$seed_file" >"$C1/2019_编码区.txt"
variant 6 "$T/gz-src.txt"
gzip -c "$T/gz-src.txt" >"$C1/2018_压缩区.txt.gz"
echo "这不是报告，只是说明。" >"$C1/README.txt" # skipped by name
printf '%s\n' 2023_济南市钢城区 2020_测试区 2021_测试区 2022_测试区 2023_测试区 \
  2024_测试区 2019_编码区 2018_压缩区 | LC_ALL=C sort >"$T/c1.ids"
nfiles=$(wc -l <"$T/c1.ids")

# ===== 1. fresh index of a folder =====

I1=$T/idx1
run ix --index "$I1" "$C1"
check_eq "1. fresh index of a folder exits 0" 0 "$rc"
[[ $rc == 0 ]] || sed 's/^/#   /' "$T/err"
cli --index "$I1" --json reports >"$T/r1.json"
check_same_file "1. reports lists every report file (README skipped)" \
  "$T/c1.ids" <(report_ids <"$T/r1.json")
check_eq "1. stats counts $nfiles reports" "$nfiles" "$(doccount "$I1")"
ok_para=1
for f in "$C1"/20*_测试区.txt "$seed_file"; do
  id=$(basename "$f" .txt)
  p=$(report_field "$id" paragraphs <"$T/r1.json")
  [[ $p == "$(paragraphs "$f")" ]] || { ok_para=0; echo "# $id: $p paragraphs, file has $(paragraphs "$f")"; }
done
check_eq "1. each report's paragraphs = the file's non-blank lines" 1 "$ok_para"
check_eq "1. GB18030 copy detected as GB18030" GB18030 \
  "$(report_field 2019_编码区 encoding <"$T/r1.json" | tr a-z A-Z)"
check_eq "1. GB18030 copy has the seed's units" \
  "$(report_field 2023_济南市钢城区 units <"$T/r1.json")" \
  "$(report_field 2019_编码区 units <"$T/r1.json")"
check_eq "1. gzip copy read through gzip" true "$(report_field 2018_压缩区 gzip <"$T/r1.json")"
check_eq "1. gzip copy has its text's paragraphs" "$(paragraphs "$T/gz-src.txt")" \
  "$(report_field 2018_压缩区 paragraphs <"$T/r1.json")"
snapshot "$I1" "$T/s1"
check_eq "1. 专属语句 in the 6 variants, once each" 6 "$(total_of "$I1" 专属语句)"
check_eq "1. 高质量发展 found in the seed and its GB18030 copy alike" \
  "$(total_of "$I1" '高质量发展 report:2023_济南市钢城区')" \
  "$(total_of "$I1" '高质量发展 report:2019_编码区')"
if grep -q ERROR "$T/s1.totals"; then
  not_ok "1. every query of the set answers" "$(cat "$T/s1.totals")"
else
  ok "1. every query of the set answers"
fi
sed 's/^/#   total /' "$T/s1.totals"

# ===== 2. re-run on the same folder =====

run ix -v --index "$I1" "$C1"
check_eq "2. re-run exits 0" 0 "$rc"
check_eq "2. verbose re-run says every file is the same" "$nfiles" \
  "$(grep -c '^ *same ' "$T/err" || true)"
check_grep "2. summary: nothing added, replaced or removed" \
  "^0 added, 0 replaced, $nfiles unchanged, 0 removed, 0 failed" "$T/err"
snapshot "$I1" "$T/s2"
check_same_file "2. reports identical after re-run" "$T/s1.reports" "$T/s2.reports"
check_same_file "2. stats identical after re-run" "$T/s1.stats" "$T/s2.stats"
check_same_file "2. search totals identical after re-run" "$T/s1.totals" "$T/s2.totals"
# The same files named differently (relative path, file by file).
(cd "$T" && run ix -v --index idx1 ./c1/ && echo "$rc" >"$T/rc")
check_eq "2. relative path: every file the same" "0 $nfiles" \
  "$(cat "$T/rc") $(grep -c '^ *same ' "$T/err" || true)"
run ix -v --index "$I1" "$C1"/20*.txt "$C1"/*.gz
check_eq "2. files named one by one: every file the same" "0 $nfiles" \
  "$rc $(grep -c '^ *same ' "$T/err" || true)"
check_eq "2. ... and the doc count is unchanged" "$nfiles" "$(doccount "$I1")"

# ===== 3. a changed file =====

before=$(report_field 2021_测试区 paragraphs <"$T/r1.json")
hash_before=$(report_field 2021_测试区 hash <"$T/r1.json")
echo "本段为新增内容，含有独一无二的短语：蓝鲸星河计划。" >>"$C1/2021_测试区.txt"
run ix -v --index "$I1" "$C1"
check_eq "3. changed file: exit 0" 0 "$rc"
check_grep "3. verbose says the changed file is replaced" "replace .*2021_测试区" "$T/err"
check_eq "3. verbose: the others are the same" "$((nfiles - 1))" \
  "$(grep -c '^ *same ' "$T/err" || true)"
cli --index "$I1" --json reports >"$T/r3.json"
check_eq "3. the changed report has one more paragraph" "$((before + 1))" \
  "$(report_field 2021_测试区 paragraphs <"$T/r3.json")"
check "3. the changed report has a new hash" \
  test "$hash_before" != "$(report_field 2021_测试区 hash <"$T/r3.json")"
check_eq "3. the new phrase is found once" 1 "$(total_of "$I1" 蓝鲸星河计划)"
cli --index "$I1" --json search 蓝鲸星河计划 >"$T/q.json"
check_eq "3. ... in the changed report" 2021_测试区 "$(hit_reports <"$T/q.json")"
check_eq "3. doc count unchanged (no duplicate)" "$nfiles" "$(doccount "$I1")"
check_same_file "3. the other reports are untouched" \
  <(reports_without 2021_测试区 <"$T/s1.reports") \
  <(cli --index "$I1" --json reports | norm_reports | reports_without 2021_测试区)
# Text taken out of a file is no longer found.
sed -i '/专属语句/d' "$C1/2022_测试区.txt"
run ix --index "$I1" "$C1"
check_eq "3. a removed line is no longer found" "0 5" "$rc $(total_of "$I1" 专属语句)"
check_eq "3. ... and no report of it is left over" 0 \
  "$(total_of "$I1" '专属语句 report:2022_测试区')"

# ===== 4. --prune =====

other=$T/elsewhere
mkdir -p "$other"
variant 40 "$other/2040_别处.txt"
run ix --index "$I1" "$other/2040_别处.txt"
check_eq "4. a file of another folder is added" "0 $((nfiles + 1))" "$rc $(doccount "$I1")"
rm "$C1/2024_测试区.txt"
run ix --index "$I1" "$C1"
check_eq "4. without --prune a deleted file's report stays" "0 $((nfiles + 1))" \
  "$rc $(doccount "$I1")"
check "4. ... and is still listed" \
  grep -qx 2024_测试区 <(cli --index "$I1" --json reports | report_ids)
run ix -v --prune --index "$I1" "$C1"
check_eq "4. --prune exits 0 and removes one report" "0 $nfiles" "$rc $(doccount "$I1")"
check_grep "4. verbose names the removed report" "remove 2024_测试区" "$T/err"
cli --index "$I1" --json reports | report_ids >"$T/ids4"
check "4. the pruned report is no longer listed" not grep -qx 2024_测试区 "$T/ids4"
check "4. a report whose file exists elsewhere is kept" grep -qx 2040_别处 "$T/ids4"
check_eq "4. nothing of the pruned report is found" 0 "$(total_of "$I1" '编号1005')"
rm "$other/2040_别处.txt"
run ix --prune --index "$I1"
check_eq "4. --prune alone (no PATH) removes a gone file's report" "0 $((nfiles - 1))" \
  "$rc $(doccount "$I1")"

# ===== 5. bad files =====

C5=$T/c5
mkdir -p "$C5"
cp "$seed_file" "$C5/2030_好.txt"
off=$(head -n 3 "$seed_file" | wc -c)
{ head -c "$off" "$seed_file"; printf '\377'; tail -c "+$((off + 1))" "$seed_file"; } >"$C5/2031_坏.txt"
: >"$C5/2032_空.txt"
echo "not gzip data" >"$C5/2033_假.txt.gz"
I5=$T/idx5
run ix --index "$I5" --encoding UTF-8 "$C5"
check_eq "5. bad files: exit status 1" 1 "$rc"
check_grep "5. invalid byte reported with file name and offset $off" \
  "2031_坏\.txt.*(byte|offset)[^0-9]*$off([^0-9]|$)" "$T/err"
check_grep "5. empty file reported by name" "2032_空\.txt" "$T/err"
check_grep "5. broken .txt.gz reported by name" "2033_假\.txt\.gz" "$T/err"
check_eq "5. the good file is indexed, no bad one" 2030_好 \
  "$(cli --index "$I5" --json reports | report_ids | tr '\n' ' ' | sed 's/ $//')"
check "5. the good file is searchable" test "$(total_of "$I5" 高质量发展)" -gt 0
run ix --index "$I5" "$C5/2031_坏.txt"
check_grep "5. invalid byte without --encoding: still named, offset $off" \
  "2031_坏\.txt.*[^0-9]$off([^0-9]|$)" "$T/err"
check_eq "5. ... exit status 1" 1 "$rc"
run ix --index "$I5" "$T/no-such-file.txt" "$C5/2030_好.txt"
check_eq "5. a missing PATH: exit 1, named" "1 1" \
  "$rc $(grep -c 'no-such-file' "$T/err" || true)"
run ix --index "$I5" --bogus "$C5"
check_eq "5. an unknown option: exit 1" 1 "$rc"
# A first PATH that does not exist, without --index: most likely the index
# folder meant; the run goes on into ./data/index and says how to ask.
mkdir -p "$T/cwd5"
run env -u BAOGAO_INDEX -C "$T/cwd5" "$INDEX_BIN" "$T/new-index" "$C5/2030_好.txt"
check_eq "5. a missing first PATH without --index: exit 1, the rest indexed" \
  "1 1" "$rc $(doccount "$T/cwd5/data/index")"
check_grep "5. ... and the message tells to give --index" \
  "give --index $T/new-index" "$T/err"

# ===== 6. the lock =====

# Hold DIR/lock as an indexer would: flock(2) on the file, by a sleep
# that inherited the locked descriptor (killing it releases the lock).
( exec 9>>"$I1/lock" && flock -x 9 && exec sleep 60 ) &
holder=$!
bg_pids+=("$holder")
for _ in $(seq 100); do
  flock -n -E 75 "$I1/lock" true 2>/dev/null && st=0 || st=$?
  [[ $st == 75 ]] && break
  sleep 0.05
done
run ix --index "$I1" "$C1"
check_eq "6. second indexer while the lock is held: exit 2" 2 "$rc"
check_grep "6. ... with a message saying locked" "locked" "$T/err"
run cli --index "$I1" --json stats
check_eq "6. a reader still opens the index while it is locked" 0 "$rc"
kill -9 "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
run ix --index "$I1" "$C1"
check_eq "6. once the lock is released the indexer runs" 0 "$rc"

# A real indexer in the background, a second one started meanwhile.
C7=$T/c7
mkdir -p "$C7"
for k in $(seq 1 60); do variant $((k + 100)) "$C7/$((1950 + k))_测试区.txt"; done
nc7=60
I6=$T/idx6
"$INDEX_BIN" --index "$I6" "$C7" >"$T/bg.out" 2>"$T/bg.err" &
first=$!
bg_pids+=("$first")
while kill -0 "$first" 2>/dev/null && [[ ! -e $I6/XAPIANDB ]]; do sleep 0.01; done
if kill -0 "$first" 2>/dev/null; then
  run ix --index "$I6" "$C7"
  still=0
  kill -0 "$first" 2>/dev/null && still=1
  if [[ $still == 1 || $rc == 2 ]]; then
    check_eq "6. concurrent indexer: exit 2" 2 "$rc"
    check_grep "6. concurrent indexer: says locked" "locked" "$T/err"
  else
    skip "6. concurrent indexer: the first finished too fast"
  fi
  run cli --index "$I6" --json stats
  check_eq "6. a reader opens the index during a build" 0 "$rc"
else
  skip "6. concurrent indexer: the first finished too fast"
fi
set +e
wait "$first"
st=$?
set -e
check_eq "6. the first indexer completes normally" "0 $nc7" "$st $(doccount "$I6")"

# ===== 7. kill -9 at random moments =====

# A commit every 4 reports (200 by default), so that kills fall between
# commits as well as before the first and after the last.
export BAOGAO_COMMIT_DOCS=4

# The reference: a clean build of the same files, timed.
REF=$T/ref
t0=$(date +%s%N)
run ix --index "$REF" "$C7"
t1=$(date +%s%N)
dur_ms=$(((t1 - t0) / 1000000))
echo "# clean build of $nc7 files: $dur_ms ms"
check_eq "7. clean build of $nc7 files" "0 $nc7" "$rc $(doccount "$REF")"
snapshot "$REF" "$T/ref"

# after_kill ROUND DIR: the index opens and answers, without duplicates.
after_kill() {
  local what=$1 d=$2 st c ids
  if [[ ! -e $d/XAPIANDB ]]; then
    # Killed before the first commit made the stub: there is no index, and
    # the reader must say so (exit 2).
    run cli --index "$d" stats
    if [[ $rc == 2 ]]; then ok "7. $what: no index yet, reader says so"; else
      not_ok "7. $what: no stub, reader exit $rc" "$(cat "$T/err")"; fi
    return
  fi
  run cli --index "$d" stats
  if [[ $rc != 0 ]]; then
    not_ok "7. $what: index opens after kill -9" "stats exit $rc: $(cat "$T/err")" \
      "$(ls -la "$d")"
    cp -a "$d" "$T/broken-$RANDOM" 2>/dev/null || true
    return
  fi
  run cli --index "$d" --json search 发展 --limit 1
  st=$rc
  c=$(doccount "$d") || true
  ids=$(cli --index "$d" --json reports | report_ids) || true
  if [[ $st == 0 && $(printf '%s\n' "$ids" | grep -c . || true) == "$c" &&
    -z $(printf '%s\n' "$ids" | uniq -d) && $c -le $nc7 ]]; then
    ok "7. $what: index opens and answers ($c reports)"
    if ((c > 0 && c < nc7)); then partial=$((partial + 1)); fi
  else
    not_ok "7. $what: index opens and answers" "search exit $st, doccount $c" \
      "duplicate ids: $(printf '%s\n' "$ids" | uniq -d | head -3)"
  fi
}

# run_and_kill DIR DELAY_MS ARGS...: indexer in the background, kill -9
# after the delay; sets $killed to 1 when it was still running.
killed=0
run_and_kill() {
  local d=$1 ms=$2 pid
  shift 2
  "$INDEX_BIN" --index "$d" "$@" >/dev/null 2>"$T/kill.err" &
  pid=$!
  bg_pids+=("$pid")
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  killed=0
  kill -0 "$pid" 2>/dev/null && killed=1
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Files to change in some rounds, so that runs also replace reports; the
# originals come back before the final run.
mkdir -p "$T/c7.orig"
cp "$C7"/*.txt "$T/c7.orig/"
K=$T/kill
partial=0
span=$((dur_ms + dur_ms / 5 + 1))
for r in $(seq 1 "$KILL_ROUNDS"); do
  # A random moment of a clean build's time.  Each round goes on from
  # where the one before was killed; after a run that finished, the next
  # round starts a fresh index, so that kills keep landing inside builds.
  ms=$((RANDOM % span))
  if ((r % 3 == 0)); then
    for f in $(ls "$C7" | shuf -n 10 --random-source=<(yes "$SEED$r")); do
      echo "第${r}轮修改的段落。" >>"$C7/$f"
    done
    what="round $r (10 changed files), kill at ${ms} ms"
  elif ((r % 3 == 1)) && [[ -e $K ]]; then
    cp "$T/c7.orig"/*.txt "$C7/"
    what="round $r (files restored), kill at ${ms} ms"
  else
    what="round $r, kill at ${ms} ms"
  fi
  run_and_kill "$K" "$ms" "$C7"
  ((killed)) || what="$what (had finished)"
  after_kill "$what" "$K"
  if ((!killed && r < KILL_ROUNDS)); then rm -rf "$K"; fi
done
echo "# $partial of $KILL_ROUNDS kills left an index between its first and last commit"
# Kills right at the start of a fresh index (folder, lock, first database).
for ms in 0 2 5 10 20; do
  rm -rf "$T/early"
  run_and_kill "$T/early" "$ms" "$C7"
  after_kill "fresh index killed at $ms ms" "$T/early"
  run ix --index "$T/early" "$C7"
  check_eq "7. fresh index killed at $ms ms: re-run completes" "0 $nc7" "$rc $(doccount "$T/early" 2>/dev/null)"
done

# Kill the moment the first database folder appears, before Xapian has
# written its revision file.
rm -rf "$T/early"
"$INDEX_BIN" --index "$T/early" "$C7" >/dev/null 2>&1 &
pid=$!
bg_pids+=("$pid")
while kill -0 "$pid" 2>/dev/null && [[ ! -e $T/early/db-1 ]]; do :; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
after_kill "fresh index killed as db-1 appeared ($(ls "$T/early/db-1" 2>/dev/null | tr '\n' ' '))" "$T/early"
run ix --index "$T/early" "$C7"
check_eq "7. fresh index killed as db-1 appeared: re-run completes" "0 $nc7" \
  "$rc $(doccount "$T/early" 2>/dev/null)"
[[ $rc == 0 ]] || sed 's/^/#   /' "$T/err"
# The same state made by hand, so that it is met on every run: a first
# database folder that Xapian began to create (lock file, empty tables, no
# revision file) and no stub yet.
HALF=$T/half
mkdir -p "$HALF/db-1"
: >"$HALF/lock"
: >"$HALF/db-1/flintlock"
: >"$HALF/db-1/postlist.glass"
: >"$HALF/db-1/termlist.glass"
run ix --index "$HALF" "$C7"
check_eq "7. a half-created first database (no stub) is recovered" "0 $nc7" \
  "$rc $(doccount "$HALF" 2>/dev/null)"
[[ $rc == 0 ]] || sed 's/^/#   /' "$T/err"

cp "$T/c7.orig"/*.txt "$C7/"
run ix --index "$K" "$C7"
check_eq "7. re-run after the kills completes" 0 "$rc"
[[ $rc == 0 ]] || sed 's/^/#   /' "$T/err"
snapshot "$K" "$T/k"
check_same_file "7. after the kills: reports equal a clean build's" "$T/ref.reports" "$T/k.reports"
check_same_file "7. after the kills: search totals equal a clean build's" "$T/ref.totals" "$T/k.totals"
check_same_file "7. after the kills: stats equal a clean build's" "$T/ref.stats" "$T/k.stats"
check_eq "7. doc count = number of files (no duplicates)" "$nc7" "$(doccount "$K")"
run ix -v --index "$K" "$C7"
check_eq "7. a further run finds every file the same" "0 $nc7" \
  "$rc $(grep -c '^ *same ' "$T/err" || true)"

# Kills during compaction: time a forced compaction of the complete index,
# then kill inside it.
t0=$(date +%s%N)
run ix --compact --index "$K" "$C7"
t1=$(date +%s%N)
cdur=$(((t1 - t0) / 1000000))
echo "# forced compaction run: $cdur ms"
check_eq "7. --compact run exits 0" 0 "$rc"
gens() { (cd "$1" && ls -d db-* 2>/dev/null | tr '\n' ' '); }
check_eq "7. after compaction one database is left" 1 "$(gens "$K" | wc -w)"
crounds=$((KILL_ROUNDS < 4 ? 2 : 5))
for r in $(seq 1 "$crounds"); do
  ms=$(((cdur + 1) * (r - 1) / crounds + RANDOM % ((cdur + 1) / crounds + 1)))
  run_and_kill "$K" "$ms" --compact "$C7"
  after_kill "compaction killed at ${ms} ms ($(gens "$K"))" "$K"
done
# Kill the moment the new database folder appears.
g=$(sed -n 's/^auto db-\([0-9]*\).*/\1/p' "$K/XAPIANDB")
"$INDEX_BIN" --index "$K" --compact "$C7" >/dev/null 2>&1 &
pid=$!
bg_pids+=("$pid")
while kill -0 "$pid" 2>/dev/null && [[ ! -e $K/db-$((g + 1)) ]]; do :; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
after_kill "compaction killed as db-$((g + 1)) appeared ($(gens "$K"))" "$K"
run ix --index "$K" "$C7"
check_eq "7. a run after the compaction kills completes" 0 "$rc"
# The compaction the kill interrupted is done again, with nothing to index.
g2=$(sed -n 's/^auto db-\([0-9]*\).*/\1/p' "$K/XAPIANDB")
check "7. ... and compacts again what the kill left uncompacted (db-$g -> db-$g2)" \
  test "$g2" -gt "$g"
snapshot "$K" "$T/kc"
check_same_file "7. after compaction kills: reports equal a clean build's" "$T/ref.reports" "$T/kc.reports"
check_same_file "7. after compaction kills: totals equal a clean build's" "$T/ref.totals" "$T/kc.totals"
check_eq "7. after compaction kills: stale databases removed" 1 "$(gens "$K" | wc -w)"

unset BAOGAO_COMMIT_DOCS

# ===== 8. index folders =====

# ro_case [RUNNER...]: an index folder without write permission (for the
# user RUNNER runs as): the indexer refuses it, readers still read it.
ro_case() {
  local RO=$T/ro
  cp -a "$REF" "$RO"
  chmod -R a-w "$RO"
  run "$@" "$INDEX_BIN" --index "$RO" "$C7"
  check_eq "8. read-only index folder: indexer exits 2" 2 "$rc"
  check_grep "8. ... with a message naming the folder" "$RO" "$T/err"
  run "$@" "$CLI_BIN" --index "$RO" --json stats
  check_eq "8. a read-only index can still be read" 0 "$rc"
  chmod -R u+w "$RO"
}
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
if [[ $(id -u) != 0 ]]; then
  ro_case
elif command -v setpriv >/dev/null 2>&1 && chmod 755 "$T" &&
  "${nobody[@]}" test -x "$INDEX_BIN" -a -x "$CLI_BIN" -a -r "$C7" 2>/dev/null; then
  # Root ignores permissions: run this case as nobody.
  ro_case "${nobody[@]}"
else
  skip "8. read-only index folder: root ignores permissions and cannot run as nobody here"
fi
DEEP=$T/not/yet/there/idx
run ix --index "$DEEP" "$seed_file"
check_eq "8. a missing --index parent folder is created" "0 1" "$rc $(doccount "$DEEP")"
run ix --index "$T/c1/2021_测试区.txt/idx" "$seed_file"
check_eq "8. an index path under a file: exit 2" 2 "$rc"

# ===== 9. the CLI =====

run cli --index "$T/none" search 发展
check_eq "9. baogao on a missing index: exit 2" 2 "$rc"
check_grep "9. ... with a message saying there is no index" "no index" "$T/err"
run cli --index "$T/none" stats
check_eq "9. baogao stats on a missing index: exit 2" 2 "$rc"
run cli --index "$REF" search '高质量 "发展'
check_eq "9. unbalanced quote: exit 1" 1 "$rc"
check_grep "9. ... with a message naming the position" "(character|position|at|column)[^0-9]*[0-9]+" "$T/err"
run cli --index "$REF" search '(高质量 发展'
check_eq "9. unbalanced bracket: exit 1" 1 "$rc"
check_grep "9. ... with a message naming the position" "[0-9]+" "$T/err"
run cli --index "$REF" search '，。'
check_eq "9. ... a query of punctuation alone answers or says why" 0 \
  "$(((rc == 0 || rc == 1) ? 0 : rc))"
run cli --index "$REF" search ''
check_eq "9. empty query: exit 1" 1 "$rc"
for args in "--help" "search --help" "reports --help" "stats --help"; do
  # shellcheck disable=SC2086
  run cli $args
  check_eq "9. baogao $args: exit 0 with text" "0 1" "$rc $([[ -s $T/out ]] && echo 1 || echo 0)"
done
run ix --help
check_eq "9. baogao-index --help: exit 0 with text" "0 1" "$rc $([[ -s $T/out ]] && echo 1 || echo 0)"
run ix --index "$T/idx9"
check_eq "9. baogao-index without PATH: exit 1" 1 "$rc"

# ===== 10. formats, encodings, manifests =====

C10=$T/c10
mkdir -p "$C10/县"
# A Word document (zipped by python3), a GBK web page and its gzip copy,
# Big5 text, Markdown with front matter, and a report whose name says
# nothing, described by a manifest.
if command -v python3 >/dev/null 2>&1; then
  python3 - "$C10/2025_文档市.docx" <<'PY'
import sys, zipfile
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
paras = ["2025年文档市政府工作报告", "各位代表：",
         "现在，我代表市人民政府向大会报告工作，推进文档独有短语。"]
body = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % p for p in paras)
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("word/document.xml",
               '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="%s">'
               "<w:body>%s</w:body></w:document>" % (W, body))
PY
  have_docx=1
else
  have_docx=0
fi
printf '%s\n' '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">' \
  '<title>网页</title></head><body><nav>首页 | 导航</nav>' \
  '<h1>政府工作报告</h1><p>——2024年1月8日在网页县第十八届人民代表大会第四次会议上</p>' \
  '<p>现在，我代表县人民政府，' '向大会报告网页独有短语。</p><footer>版权所有</footer></body></html>' |
  iconv -f UTF-8 -t GB18030 >"$C10/2024_网页县.html"
gzip -c "$C10/2024_网页县.html" >"$C10/2023_压缩页.htm.gz"
printf '%s\n' '政府工作報告' '各位代表：' '現在，我代表市人民政府向大會報告繁體獨有短語。' \
  '過去一年，我們堅持穩中求進工作總基調，經濟社會發展取得新成效。' |
  iconv -f UTF-8 -t BIG5 >"$C10/2024_繁体市.txt"
printf '%s\n' '---' 'title: 笔记' 'year: 2024' '---' '# 标题' '' 'Markdown独有短语。' \
  >"$C10/2024_笔记.md"
printf '%s\n' '政府工作报告' '现在，我代表区人民政府报告清单独有短语。' >"$C10/县/无名报告.txt"
printf 'file\tyear\tregion\tspeaker\n# the county report\n县/无名报告.txt\t2022\t清单区\t王清单\n' \
  >"$C10/manifest.tsv"
I10=$T/idx10
run ix -v --index "$I10" "$C10"
check_eq "10. formats: exit 0" 0 "$rc"
[[ $rc == 0 ]] || sed 's/^/#   /' "$T/err"
check_grep "10. verbose names the Big5 charset" "add .*2024_繁体市\.txt \(txt BIG5-HKSCS" "$T/err"
check_grep "10. verbose names the GB18030 page" "add .*2024_网页县\.html \(html GB18030" "$T/err"
check_grep "10. verbose says a manifest row applied" "add .*无名报告\.txt .*; manifest\)" "$T/err"
cli --index "$I10" --json reports >"$T/r10.json"
check_eq "10. the Big5 report's encoding" BIG5-HKSCS "$(report_field 2024_繁体市 encoding <"$T/r10.json")"
check_eq "10. the web page: html, GB18030" "html GB18030" \
  "$(report_field 2024_网页县 format <"$T/r10.json") $(report_field 2024_网页县 encoding <"$T/r10.json")"
check_eq "10. the web page: 3 paragraphs (no title, navigation or footer)" 3 \
  "$(report_field 2024_网页县 paragraphs <"$T/r10.json")"
check_eq "10. the gzip page read through gzip" "html true" \
  "$(report_field 2023_压缩页 format <"$T/r10.json") $(report_field 2023_压缩页 gzip <"$T/r10.json")"
check_eq "10. Markdown: front matter dropped" 2 "$(report_field 2024_笔记 paragraphs <"$T/r10.json")"
check_eq "10. manifest: year, region, speaker" "2022 清单区 王清单" \
  "$(report_field 无名报告 year <"$T/r10.json") $(report_field 无名报告 region <"$T/r10.json") $(report_field 无名报告 speaker <"$T/r10.json")"
check_eq "10. manifest: where they came from" "manifest manifest manifest text" \
  "$(report_field 无名报告 year_from <"$T/r10.json") $(report_field 无名报告 region_from <"$T/r10.json") $(report_field 无名报告 speaker_from <"$T/r10.json") $(report_field 无名报告 title_from <"$T/r10.json")"
check_eq "10. the page's metadata from its text" "name text 2024-01-08" \
  "$(report_field 2024_网页县 year_from <"$T/r10.json") $(report_field 2024_网页县 date_from <"$T/r10.json") $(report_field 2024_网页县 date <"$T/r10.json")"
check_eq "10. 网页独有短语 in the page and its gzip copy" 2 "$(total_of "$I10" 网页独有短语)"
for q in 繁體獨有短語 Markdown独有短语 清单独有短语; do
  check_eq "10. $q found once" 1 "$(total_of "$I10" "$q")"
done
check_eq "10. region: from the manifest searches" 1 "$(total_of "$I10" 'region:清单区 清单独有短语')"
if [[ $have_docx == 1 ]]; then
  check_eq "10. the Word document: docx, 3 paragraphs" "docx 3" \
    "$(report_field 2025_文档市 format <"$T/r10.json") $(report_field 2025_文档市 paragraphs <"$T/r10.json")"
  check_eq "10. 文档独有短语 found once" 1 "$(total_of "$I10" 文档独有短语)"
else
  skip "10. the Word document: needs python3 to make it"
fi
run ix -v --index "$I10" "$C10"
check_eq "10. re-run: every file the same" "0 0" "$rc $(grep -c '^ *replace \|^ *add ' "$T/err" || true)"
# A changed manifest row re-indexes its report, and only it.
printf 'file\tyear\tregion\n县/无名报告.txt\t2021\t清单区\n' >"$C10/manifest.tsv"
run ix -v --index "$I10" "$C10"
check_eq "10. changed manifest: one report replaced" "0 1" \
  "$rc $(grep -c '^ *replace ' "$T/err" || true)"
check_grep "10. ... the one it lists" "replace .*无名报告\.txt" "$T/err"
cli --index "$I10" --json reports >"$T/r10.json"
check_eq "10. ... with the new year and no speaker" "2021 manifest " \
  "$(report_field 无名报告 year <"$T/r10.json") $(report_field 无名报告 year_from <"$T/r10.json") $(report_field 无名报告 speaker <"$T/r10.json")"
# A broken manifest is reported with its line; the files are indexed.
printf 'file\tyear\n县/无名报告.txt\t二〇二一\n' >"$C10/manifest.tsv"
run ix --index "$I10" "$C10"
check_eq "10. broken manifest: exit 1" 1 "$rc"
check_grep "10. ... named with its line" "manifest\.tsv:2: year '二〇二一' is not a year" "$T/err"
check_eq "10. ... the reports are all still there" $((5 + have_docx)) "$(doccount "$I10")"
# Bad files beside good ones, with a forced encoding: the bad ones are
# named (with the offset of a broken byte), the good ones indexed.
C11=$T/c11
mkdir -p "$C11"
iconv -f UTF-8 -t GB18030 "$seed_file" >"$C11/2030_好.txt"
cp "$C10/2024_网页县.html" "$C11/2031_好页.html"
off=$(head -n 5 "$C11/2030_好.txt" | wc -c)
{ head -c "$off" "$C11/2030_好.txt"; printf '\200'; tail -c "+$((off + 1))" "$C11/2030_好.txt"; } >"$C11/2032_坏.txt"
echo "not a zip" >"$C11/2033_坏.docx"
echo "not a pdf" >"$C11/2034_坏.pdf"
run ix --index "$T/idx11" --encoding GB18030 "$C11"
check_eq "10. bad files, forced GB18030: exit 1" 1 "$rc"
check_grep "10. ... broken byte: file and offset $off" "2032_坏\.txt: invalid GB18030 at byte $off\$" "$T/err"
check_grep "10. ... a damaged Word file named" "2033_坏\.docx: not a Word document" "$T/err"
check_grep "10. ... a damaged PDF named" "2034_坏\.pdf: not a PDF document" "$T/err"
check_eq "10. ... the good files are indexed" "2030_好 2031_好页" \
  "$(cli --index "$T/idx11" --json reports | report_ids | tr '\n' ' ' | sed 's/ $//')"

# ===== 11. a full disk and a read-only index =====

# On a small tmpfs (root can mount one; elsewhere these checks are skipped):
# the indexer that runs out of space, or finds its folder read-only, says
# so, exits non-zero, and leaves the index as it was.  (2 MB: room for the
# first report, uncompacted and compacted, in either index format.)
SMALL=$T/small
mkdir -p "$SMALL"
if mount -t tmpfs -o size=2m baogao-test "$SMALL" 2>/dev/null; then
  mounted_small=1
  IS=$SMALL/idx
  run ix --index "$IS" "$seed_file"
  check_eq "11. a first report fits on the small disk" "0 1" "$rc $(doccount "$IS")"
  snapshot "$IS" "$T/s11a"
  # A commit failing on the full disk leaks 173 bytes inside libxapian
  # 1.4.22 (an object it allocates and never frees): LeakSanitizer would
  # turn that into another exit status, so it is off for this one run.
  # baogao's own leaks on error paths are test_faults' business.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    run ix --index "$IS" --no-compact "$C7"
  check_eq "11. full disk: exit 2" 2 "$rc"
  check_grep "11. ... says the disk is full" "No space left on device" "$T/err"
  snapshot "$IS" "$T/s11b"
  check_same_file "11. ... the reports are as before" "$T/s11a.reports" "$T/s11b.reports"
  check_same_file "11. ... the search totals are as before" "$T/s11a.totals" "$T/s11b.totals"
  # With room again, the run finishes the job.
  mount -o remount,size=64m "$SMALL"
  run ix --index "$IS" --no-compact "$C7"
  check_eq "11. with room again a re-run adds every file" "0 $((nc7 + 1))" \
    "$rc $(doccount "$IS")"
  snapshot "$IS" "$T/s11c"
  # A read-only index: a clear error, the index unchanged and readable.
  mount -o remount,ro "$SMALL"
  run ix --index "$IS" --prune "$C7"
  check_eq "11. read-only index: exit 2" 2 "$rc"
  check_grep "11. ... says it cannot write the index" "cannot write the index .*Read-only file system" "$T/err"
  snapshot "$IS" "$T/s11d"
  check_same_file "11. ... the reports are as before" "$T/s11c.reports" "$T/s11d.reports"
  check_same_file "11. ... the search totals are as before" "$T/s11c.totals" "$T/s11d.totals"
  umount "$SMALL" && mounted_small=0
else
  skip "11. full disk and read-only index" "cannot mount a tmpfs (needs root)"
fi

# ===== 12. one thread and two: the same run =====
# The indexer reads and prepares reports on a worker thread while the main
# thread writes them; $BAOGAO_INDEX_THREADS=1 does it all on one.  Both
# must say the same, exit the same and build the same index, over files
# that fail, warn, repeat an id or a text, or come with a manifest.
C12=$T/c12
mkdir -p "$C12/again"
cp -r "$C1/." "$C12/"
cp -r "$C10" "$C11" "$C12/"
cp "$C1/2020_测试区.txt" "$C12/again/2020_测试区.txt"   # an id twice
cp "$C1/2021_测试区.txt" "$C12/2029_同文区.txt"         # a text twice
printf '政府工作报告\n现在\001，我代表区人民政府报告工作。\n' >"$C12/2028_控制区.txt"
printf '12:30\n' >"$C12/时长.txt"
: >"$C12/2027_空白区.txt"
# twelve ONE|TWO LABEL INDEX: a verbose run into INDEX, its messages in
# $T/e12.LABEL (the summary's time and folder left out).
twelve() {
  local threads=1
  [[ $1 == TWO ]] && threads=2
  set +e
  BAOGAO_INDEX_THREADS=$threads BAOGAO_COMMIT_DOCS=3 "$INDEX_BIN" -v \
    --index "$3" "$C12" >/dev/null 2>"$T/e12.$2"
  echo $? >>"$T/e12.$2"
  set -e
  sed -i "s| in $3 ([0-9.]* s)\$||" "$T/e12.$2"
}
for round in first same changed; do
  if [[ $round == changed ]]; then
    echo "本段为第十二节新增内容。" >>"$C12/2022_测试区.txt"
    rm "$C12/2023_测试区.txt"
  fi
  twelve ONE "$round.1" "$T/idx12a"
  twelve TWO "$round.2" "$T/idx12b"
  check_same_file "12. $round run: one thread and two say the same" \
    "$T/e12.$round.1" "$T/e12.$round.2"
  snapshot "$T/idx12a" "$T/s12a"
  snapshot "$T/idx12b" "$T/s12b"
  check_same_file "12. ... and hold the same reports" "$T/s12a.reports" "$T/s12b.reports"
  check_same_file "12. ... with the same search totals" "$T/s12a.totals" "$T/s12b.totals"
done
check_grep "12. the second run found every report the same" "^  same .*2022_测试区" "$T/e12.same.2"
check_grep "12. the third replaced the changed one" "^  replace .*2022_测试区" "$T/e12.changed.2"

finished=1
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
