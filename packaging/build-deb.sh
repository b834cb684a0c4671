#!/usr/bin/env bash
# build-deb.sh - the Debian package for release: a fresh Release build with
# Debian's compiler and linker flags (dpkg-buildflags: fortify, stack
# protector, relro, bindnow), then `cpack -G DEB` and lintian.
#
#   packaging/build-deb.sh [BUILD_DIR]     (default: build-deb)
#
# The package lands in BUILD_DIR (baogao_VERSION_ARCH.deb).  Any build
# folder makes a package too (`cpack -G DEB` in it, as the test
# packaging/deb does), with that build's flags.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-deb}

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cppflags=$(dpkg-buildflags --get CPPFLAGS)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBAOGAO_TESTS=OFF \
  -DCMAKE_C_FLAGS="$(dpkg-buildflags --get CFLAGS) $cppflags" \
  -DCMAKE_CXX_FLAGS="$(dpkg-buildflags --get CXXFLAGS) $cppflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)"
cmake --build "$dir" -j"$(nproc)"
(cd "$dir" && cpack -G DEB)
deb=$(ls "$dir"/baogao_*.deb)
if command -v lintian >/dev/null; then
  lintian --fail-on error "$deb"
fi
echo "build-deb: $deb"
