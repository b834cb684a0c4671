#!/usr/bin/env bash
# Installs what baogao needs, checks the include graph, builds baogao twice
# (normal, and with AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# every test in both.
#
#   ./test.sh
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh

# The include graph first: a cycle or an upward include fails at once.
echo "== includes"
python3 scripts/check-includes

jobs="$(nproc)"
status=0
for variant in normal sanitize; do
  if [ "$variant" = normal ]; then
    dir=build
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBAOGAO_WERROR=ON)
  else
    dir=build-sanitize
    flags=(-DCMAKE_BUILD_TYPE=Debug -DBAOGAO_SANITIZE=ON -DBAOGAO_WERROR=ON)
  fi
  echo "== $variant build ($dir)"
  cmake -S . -B "$dir" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== $variant tests"
  if ! (cd "$dir" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs"); then
    status=1
  fi
done

if [ $status -ne 0 ]; then
  echo "test.sh: FAILED" >&2
else
  echo "test.sh: all tests passed in the normal and the sanitizer build"
fi
exit $status
