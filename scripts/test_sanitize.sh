#!/usr/bin/env bash
# `make test-sanitize`: the C++ tests and the pytest suite under AddressSanitizer
# and UndefinedBehaviorSanitizer, in build-sanitize/ (not part of `make test`:
# the sanitized build and run take several times as long as the normal suite).
#   - nabla_tests: ASan (with LeakSanitizer) + UBSan, any report fails the run
#   - pytest: the sanitized module loaded into Debian's python3 with libasan
#     preloaded; leak checking off there (the interpreter itself keeps memory)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-sanitize"
JOBS="$(nproc 2>/dev/null || echo 2)"
PYTHON=/usr/bin/python3
FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

bash "$ROOT/scripts/setup.sh" --no-build
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython_EXECUTABLE="$PYTHON" \
    -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined"
fi
cmake --build "$BUILD" -j "$JOBS" --target nabla_tests _nabla nabla_python_package

echo "test-sanitize: C++ tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$BUILD/nabla_tests"

echo "test-sanitize: pytest against the sanitized module"
libasan="$(gcc -print-file-name=libasan.so)"
libubsan="$(gcc -print-file-name=libubsan.so)"
cd "$ROOT/tests/python"
LD_PRELOAD="$libasan $libubsan" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  PYTHONPATH="$BUILD/python" "$PYTHON" -m pytest -q -p no:cacheprovider .
echo "test-sanitize: clean"
