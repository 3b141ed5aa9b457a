#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets (tests/fuzz, clang-14, ASan + UBSan)
# into build-fuzz/ and runs each for a fixed budget on a copy of its seed
# corpus (tests/fuzz/corpus/TARGET, kept unchanged in the repo). Exits non-zero
# if any target finds a crash; the reproducer is left in build-fuzz/crashes/.
# FUZZ_SECONDS sets the budget per target (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
cxx=${FUZZ_CXX:-clang++-14}
if [ ! -f build-fuzz/build.ninja ]; then
  cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=
fi
cmake --build build-fuzz -j1
mkdir -p build-fuzz/crashes
status=0
for target in fuzz_idx_raw fuzz_idx_gzip fuzz_network2_json fuzz_checkpoint fuzz_expanded_cache; do
  work=build-fuzz/corpus/$target
  rm -rf "$work" && mkdir -p "$work" && cp tests/fuzz/corpus/"$target"/* "$work"/
  log=build-fuzz/$target.log
  if ./build-fuzz/$target -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix=build-fuzz/crashes/$target- "$work" >"$log" 2>&1; then
    result=ok
  else
    result=CRASH; status=1
  fi
  execs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || true)
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  echo "$target: $result, $execs executions in ${seconds}s (log $log)"
done
rm -rf /dev/shm/nabla-fuzz-*  # the targets' scratch files
exit $status
