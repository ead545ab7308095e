#!/usr/bin/env bash
# Installs every Debian package actbench needs (skipping apt-get when all are present), then configures and
# builds in build/ (Release). Works as root or through sudo; safe to run again.
#   scripts/setup.sh            install + build
#   scripts/setup.sh --no-build install only
set -euo pipefail

PACKAGES=(
  build-essential cmake git pkg-config
  libdnnl-dev ocl-icd-opencl-dev         # oneDNN 2.6 (its CMake config needs the OpenCL headers)
  libopencv-dev                          # image decoding and drawing
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  catch2 libbenchmark-dev                # tests and benchmarks
  chromium                               # the report page is checked in a real browser (headless)
  dataset-fashion-mnist                  # the default real dataset: /usr/share/datasets/fashion-mnist
  opencv-doc                             # OpenCV's digits.png (dataset kind opencv_digits)
  slurm-wlm munge                        # the Slurm integration test runs a single-node cluster
)

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
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[[ "${1:-}" == "--no-build" ]] && exit 0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j"$(nproc)"
