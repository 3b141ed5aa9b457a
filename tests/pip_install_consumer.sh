#!/usr/bin/env bash
# pip install of the Python package into a fresh venv (with the system's
# numpy), offline and with only Debian packages; the consumer script runs from
# another directory against the installed copy; pip uninstall removes it.
#   tests/pip_install_consumer.sh PYTHON SOURCE_DIR [BUILD_DIR]
# BUILD_DIR, when given, is reused by setup.py instead of a second full build.
set -euo pipefail
python="$1"
src="$(cd "$2" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" -m venv --system-site-packages "$tmp/venv"
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1  # offline: nothing may be fetched
if [[ $# -ge 3 ]]; then export NABLA_CMAKE_BUILD_DIR="$(cd "$3" && pwd)"; fi
"$tmp/venv/bin/python" -m pip install --no-build-isolation --no-deps "$src/python" > "$tmp/pip.log" 2>&1 ||
  { cat "$tmp/pip.log"; exit 1; }
cd "$tmp"
"$tmp/venv/bin/python" "$src/examples/consumer/consumer.py" | tee "$tmp/run.log"
grep -q "from $tmp/venv/" "$tmp/run.log"  # the installed copy, not a build tree
grep -q "consumer.py: ok" "$tmp/run.log"
want="$("$tmp/venv/bin/python" -c 'import nabla; print(nabla.__version__)')"
got="$("$tmp/venv/bin/python" -m pip show nabla | sed -n 's/^Version: //p')"
[[ "$want" == "$got" ]] || { echo "pip metadata says $got, nabla.__version__ says $want"; exit 1; }
"$tmp/venv/bin/python" -m pip uninstall -y nabla > /dev/null
if "$tmp/venv/bin/python" -c "import nabla" 2> /dev/null; then echo "nabla still imports after pip uninstall"; exit 1; fi
echo "pip.consumer: passed (nabla $want)"
