#!/usr/bin/env bash
# Installs clvsim's build and test dependencies from Debian 12 packages (run as root). Open MPI
# gives the MPI driver (CMake's CLVSIM_MPI=AUTO builds it when MPI is found) and its tests.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  ca-certificates cmake make g++ pkg-config \
  libeigen3-dev libtbb-dev libboost-program-options-dev libboost-dev libhdf5-dev \
  librandom123-dev libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev \
  libnlopt-cxx-dev hdf5-tools python3 python3-numpy python3-h5py libopenmpi-dev openmpi-bin >/dev/null

# Reliability builds (docs/reliability.md, .ci/run): clang 14 with its sanitizer and libFuzzer
# runtimes for the ASan+UBSan, TSan and fuzzing builds; dpkg-dev unpacks Debian's oneTBB
# source for the TSan build (tools/build_tsan_tbb.sh).
$SUDO apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev dpkg-dev clang-format-14 >/dev/null

# HTML reports (engine/report): the charting libraries Vega, Vega-Lite and vega-embed come
# from the npm registry at the versions pinned in engine/report/vendor/package-lock.json and
# are compiled into clvsim; the report tests (tests/report) render reports in Debian's
# Chromium through playwright-core (same lock file) and read the CSV export with pandas.
# Node.js and npm from Debian unless the machine already has them.
NODE_PKGS=""
command -v node >/dev/null 2>&1 || NODE_PKGS="nodejs"
command -v npm >/dev/null 2>&1 || NODE_PKGS="$NODE_PKGS npm"
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core python3-pandas $NODE_PKGS >/dev/null
(cd "$(dirname "$0")/../engine/report/vendor" && $SUDO npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "clvsim dependencies installed"
