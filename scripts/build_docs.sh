#!/usr/bin/env bash
# Builds the HTML documentation: Doxygen reads the public C++ headers into XML,
# then Sphinx (Breathe for C++, autodoc for the Python package) writes HTML.
# Every Sphinx warning is an error, so a clean exit means a warning-free build.
#
#   scripts/build_docs.sh [PY_BUILD_DIR] [OUT_DIR]
#     PY_BUILD_DIR  directory holding the built `nabla` package (default build/python)
#     OUT_DIR       where the HTML goes (default build/docs)
# OUT_DIR/.build keeps Doxygen's XML and Sphinx's doctrees between runs, so a
# rebuild re-reads only the pages whose sources or headers changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY_BUILD="${1:-$ROOT/build/python}"
OUT="${2:-$ROOT/build/docs}"
# Debian's interpreter has numpy and Sphinx; a pyenv python3 earlier on PATH does not.
PYTHON=/usr/bin/python3

die() { echo "build_docs: ERROR: $*" >&2; exit 1; }

command -v doxygen >/dev/null || die "doxygen not found (apt-get install doxygen, or make setup)"
"$PYTHON" -c "import sphinx, breathe" 2>/dev/null \
  || die "Sphinx or Breathe missing (apt-get install python3-sphinx python3-breathe, or make setup)"
PY_BUILD="$(cd "$PY_BUILD" 2>/dev/null && pwd)" || die "no Python build dir '${1:-build/python}'"
PYTHONPATH="$PY_BUILD" "$PYTHON" -c "import nabla" \
  || die "cannot import nabla from $PY_BUILD (build it first: make setup)"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$OUT/.build"
XML="$WORK/xml"
rm -rf "$WORK/doxygen"
mkdir -p "$WORK/doxygen" "$XML"

cd "$ROOT"
NABLA_DOXYGEN_OUT="$WORK/doxygen" doxygen docs/Doxyfile || die "doxygen failed"
# Replace only the XML files that changed: Breathe marks a page outdated by the
# modification times of the files it read.
for f in "$WORK"/doxygen/xml/*; do
  cmp -s "$f" "$XML/${f##*/}" || cp "$f" "$XML/"
done
for f in "$XML"/*; do
  [[ -e "$WORK/doxygen/xml/${f##*/}" ]] || rm -f "$f"
done

# -W: warnings are errors; --keep-going: report all of them; -q: only warnings are printed.
PYTHONPATH="$PY_BUILD${PYTHONPATH:+:$PYTHONPATH}" NABLA_DOXYGEN_XML="$XML" \
  "$PYTHON" -m sphinx -W --keep-going -q -b html -d "$WORK/doctrees" docs "$OUT" \
  || { rm -rf "$WORK/doctrees"  # the next run must read every page again and repeat the warnings
       die "sphinx-build failed or warned (see above)"; }
echo "build_docs: HTML in $OUT/index.html"
