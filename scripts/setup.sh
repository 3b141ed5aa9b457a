#!/usr/bin/env bash
# Sets up a Debian 12 machine for nabla and builds it. Idempotent: when
# everything is already there it takes a few seconds.
#   1. system packages: installs the missing ones with apt-get (needs root;
#      without root it prints the apt-get line and stops)
#   2. MNIST: scripts/fetch_mnist.sh (skipped when data/mnist/ verifies)
#   3. configure build/ (Release, Ninja) if it is not configured yet
#   4. build with one job per core (skipped with --no-build)
#
#   scripts/setup.sh [--no-build]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
JOBS="$(nproc 2>/dev/null || echo 2)"
# Debian's interpreter has numpy/pytest; a pyenv python3 earlier on PATH does not.
PYTHON=/usr/bin/python3

do_build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) do_build=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# ---- 1. system packages ------------------------------------------------------
PACKAGES=(build-essential cmake ninja-build libxtensor-dev libxtensor-blas-dev libxsimd-dev
  xtl-dev libopenblas-dev libdnnl-dev ocl-icd-opencl-dev doctest-dev pybind11-dev python3-dev python3-numpy python3-pytest
  python3-hypothesis zlib1g-dev nlohmann-json3-dev libcli11-dev dataset-fashion-mnist
  nodejs npm python3-matplotlib graphviz python3-torch
  python3-sphinx python3-breathe doxygen
  libopenmpi-dev openmpi-bin python3-mpi4py)  # data-parallel training (issue 15; CMake NABLA_MPI)

missing=()
for p in "${PACKAGES[@]}"; do
  case "$p" in
    # node/npm may come from elsewhere (e.g. nodesource bundles npm without the
    # Debian npm package): any working command is enough.
    nodejs) command -v node >/dev/null 2>&1 || missing+=("$p") ;;
    npm) command -v npm >/dev/null 2>&1 || missing+=("$p") ;;
    *)
      status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
      [[ "$status" == installed ]] || missing+=("$p")
      ;;
  esac
done

if [[ ${#missing[@]} -eq 0 ]]; then
  say "system packages: all ${#PACKAGES[@]} present"
else
  install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: run as root (or with sudo), then run this script again:" >&2
    echo "  apt-get update && $install_cmd" >&2
    exit 1
  fi
  say "installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update || die "apt-get update failed"
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null \
    || die "package install failed; the command was: $install_cmd"
fi

# ---- 2. data -------------------------------------------------------------------
bash "$ROOT/scripts/fetch_mnist.sh" || die "fetching MNIST failed (see above)"

# ---- 3. configure ------------------------------------------------------------------
# Configure when there is no cache, or when a previous configure failed before
# writing the build files (the cache exists then, but the build would not run).
if [[ ! -f "$BUILD/CMakeCache.txt" || ! ( -f "$BUILD/build.ninja" || -f "$BUILD/Makefile" ) ]]; then
  say "configuring build/ (Release, Ninja, Python $PYTHON)"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPython_EXECUTABLE="$PYTHON" \
    || die "CMake configure failed (see above). Fix it, then run 'make setup' again; 'make clean' starts from scratch."
else
  say "build/ already configured (delete build/ or run 'make clean' to reconfigure)"
fi

# ---- 4. build --------------------------------------------------------------------
if [[ $do_build -eq 1 ]]; then
  say "building (-j$JOBS)"
  cmake --build "$BUILD" -j "$JOBS" || die "build failed (see the compiler errors above)"
  say "done: build/ is up to date, data/mnist/ verified"
fi
