#!/usr/bin/env bash
# Builds Debian 12's oneTBB (the source of the installed libtbb-dev, via apt-get source) with
# ThreadSanitizer (TBB_SANITIZE=thread) into PREFIX, for the TSan job of .ci/run: Debian's
# libtbb is not instrumented, so TSan cannot see the happens-before edges of oneTBB's task
# hand-offs and reports every task body as racing with the code that scheduled it. With the
# instrumented library those reports disappear and a report is a real race.
# usage: tools/build_tsan_tbb.sh PREFIX  (as root; needs clang-14)
set -euo pipefail
PREFIX=$(realpath -m "${1:?usage: $0 PREFIX}")
if [ -f "$PREFIX/lib/cmake/TBB/TBBConfig.cmake" ]; then echo "oneTBB with TSan already in $PREFIX"; exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# Debian's source packages: the deb-src twin of the machine's Debian entry.
if ! apt-get source --print-uris libtbb-dev >/dev/null 2>&1; then
  $SUDO tee /etc/apt/sources.list.d/clvsim-deb-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $SUDO apt-get update -qq
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
VERSION=$(dpkg-query -W -f='${Version}' libtbb-dev)
(cd "$WORK" && apt-get source -qq --download-only "libtbb-dev=$VERSION" >/dev/null && dpkg-source -x --no-check ./*.dsc src >/dev/null)
cmake -S "$WORK/src" -B "$WORK/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF \
  -DTBBMALLOC_BUILD=OFF -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
nice -n 5 cmake --build "$WORK/build" -j"${JOBS:-2}" >/dev/null
cmake --install "$WORK/build" >/dev/null
echo "oneTBB $VERSION with TSan installed in $PREFIX"
