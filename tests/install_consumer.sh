#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds examples/consumer against it
# with find_package(nabla) and runs it, from another directory.
#   tests/install_consumer.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
src="$(cd "$2" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
test -f "$tmp/prefix/include/nabla/nabla.hpp"
test -f "$tmp/prefix/lib/pkgconfig/nabla.pc" || test -f "$tmp/prefix/lib64/pkgconfig/nabla.pc"
cmake -S "$src/examples/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$tmp/configure.log"
cmake --build "$tmp/consumer" > "$tmp/build.log"
cd "$tmp"
"$tmp/consumer/consumer" | tee "$tmp/run.log"
grep -q "consumer: grad ok" "$tmp/run.log"
# The same program through pkg-config, when the machine has it.
if command -v pkg-config > /dev/null; then
  libdir="$(ls -d "$tmp/prefix"/lib*/pkgconfig | head -1)"
  flags="$(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs nabla)"
  # shellcheck disable=SC2086
  c++ -O1 "$src/examples/consumer/main.cpp" $flags -Wl,-rpath,"$(dirname "$libdir")" -o "$tmp/consumer_pc"
  "$tmp/consumer_pc" | sed 's/^consumer:/consumer (pkg-config):/' | tee "$tmp/run_pc.log"
  grep -q "grad ok" "$tmp/run_pc.log"
fi
echo "install.consumer: passed"
