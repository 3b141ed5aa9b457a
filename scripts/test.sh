#!/usr/bin/env bash
# The one test command (`make test` runs this; so does CI through .ci/run).
#   1. scripts/setup.sh --no-build: system packages (installs missing ones when
#      root; without root it only needs them to be installed already), MNIST,
#      configure build/ if needed. Seconds when all is in place.
#   2. build everything with one job per core
#   3. ctest --output-on-failure in build/; exits non-zero if any test fails or
#      if no test was found.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
JOBS="$(nproc 2>/dev/null || echo 2)"

bash "$ROOT/scripts/setup.sh" --no-build

echo "test: building (-j$JOBS)"
if ! cmake --build "$BUILD" -j "$JOBS"; then
  echo "test: ERROR: build failed (see the compiler errors above); no tests were run" >&2
  exit 1
fi

echo "test: running ctest"
cd "$BUILD"
# --no-tests=error: an empty or missing suite is a failure, not a pass.
if ! ctest --output-on-failure --no-tests=error -j "$JOBS"; then
  echo "test: FAILED (see above)" >&2
  exit 1
fi
echo "test: all tests passed"
