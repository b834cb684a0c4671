#!/usr/bin/env bash
# Installs what baogao needs, builds it, indexes corpus/ and searches it.
#
#   ./quickstart.sh 高质量发展
#
# The index goes to data/index; the programs to build/.
set -euo pipefail
cd "$(dirname "$0")"

query="${*:-高质量发展}"

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built build/baogao-index and build/baogao"

build/baogao-index --index data/index corpus
build/baogao --index data/index search "$query"
