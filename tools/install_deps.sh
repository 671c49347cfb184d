#!/usr/bin/env bash
# Installs clvsim's build and test dependencies from Debian 12 packages (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  ca-certificates cmake make g++ pkg-config \
  libeigen3-dev libtbb-dev libboost-program-options-dev libboost-dev libhdf5-dev \
  librandom123-dev libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev \
  libnlopt-cxx-dev hdf5-tools python3 python3-numpy python3-h5py >/dev/null
echo "clvsim dependencies installed"
