#!/usr/bin/env bash
# Installs the Debian packages actbench needs (skipping apt-get when all are present), then configures and builds
# in build/ (Release). Works as root or through sudo; safe to run again.
#   scripts/setup.sh             what running a sweep needs: the build tools and libraries, Fashion-MNIST;
#                                builds the actbench command
#   scripts/setup.sh --tests     also what the tests need (Catch2, Google Benchmark, Chromium, Slurm and munge,
#                                OpenCV's sample data, file and dpkg-dev for the DEB, PyTorch for the cross-check);
#                                builds the tests and benchmarks too. scripts/check_fresh_machine.sh checks on a
#                                minimal Debian 12 root that this list is complete.
#   scripts/setup.sh --no-build  install only (combine with --tests for the test packages)
# Nothing installed here starts or stays enabled as a service: Slurm's and munge's daemons are kept from starting
# while they install and disabled after; the Slurm test starts its own in a temporary directory.
set -euo pipefail

tests=0 build=1
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    --no-build) build=0 ;;
    *) echo "setup: unknown option '$arg' (valid: --tests, --no-build)" >&2; exit 2 ;;
  esac
done

PACKAGES=(
  build-essential cmake git pkg-config
  libdnnl-dev ocl-icd-opencl-dev         # oneDNN 2.6 (its CMake config needs the OpenCL headers)
  libopencv-dev                          # image decoding and drawing
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist                  # the default real dataset: /usr/share/datasets/fashion-mnist
)
TEST_PACKAGES=(
  catch2 libbenchmark-dev                # tests and benchmarks
  chromium                               # the report page is checked in a real browser (headless)
  opencv-doc                             # OpenCV's digits.png (dataset kind opencv_digits)
  slurm-wlm munge                        # the Slurm integration test runs a single-node cluster
  file dpkg-dev                          # the DEB test: cpack's dpkg-shlibdeps step needs file(1)
  python3-torch python3-yaml python3-numpy  # crosscheck/, the independent PyTorch implementation, and its test
)
SERVICES=(munge slurmd slurmctld)
((tests)) && PACKAGES+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  # Debian starts a package's daemons as it installs them unless policy-rc.d says no (101: action forbidden).
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [[ ! -e $policy ]]; then
    "${SUDO[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    own_policy=1
  fi
  trap '((own_policy)) && "${SUDO[@]}" rm -f "$policy"' EXIT
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  if command -v systemctl >/dev/null; then
    for s in "${SERVICES[@]}"; do "${SUDO[@]}" systemctl disable --now "$s" >/dev/null 2>&1 || true; done
  fi
fi

((build)) || exit 0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
onoff=$( ((tests)) && echo ON || echo OFF )
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DACTBENCH_BUILD_TESTS=$onoff -DACTBENCH_BUILD_BENCH=$onoff >/dev/null
cmake --build "$root/build" -j"$(nproc)"
