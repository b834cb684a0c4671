#!/usr/bin/env bash
# Installs what bench/run.sh needs on Debian 12, skipping what is there:
# ripgrep, wrk, GNU time (/usr/bin/time -v for peak memory), python3 with
# an SQLite that has FTS5 and its trigram tokenizer (Debian 12: 3.40), and
# the build dependencies of baogao itself (scripts/install-deps.sh).
# Not used by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v rg >/dev/null || need+=(ripgrep)
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing ${need[*]} ..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v cmake >/dev/null && pkg-config --exists xapian-core 2>/dev/null ||
  scripts/install-deps.sh

python3 - <<'PY'
import sqlite3, sys
c = sqlite3.connect(":memory:")
try:
    c.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
except sqlite3.Error as e:
    sys.exit("python3's SQLite %s has no FTS5 trigram tokenizer (needs 3.34+): %s"
             % (sqlite3.sqlite_version, e))
PY
