#!/usr/bin/env bash
# Builds the HTML documentation: Doxygen reads the public C++ headers into XML,
# then Sphinx (Breathe for C++, autodoc for the Python package) writes HTML.
# Every Sphinx warning is an error, so a clean exit means a warning-free build.
#
#   scripts/build_docs.sh [PY_BUILD_DIR] [OUT_DIR]
#     PY_BUILD_DIR  directory holding the built `nabla` package (default build/python)
#     OUT_DIR       where the HTML goes (default build/docs; Doxygen's XML in OUT_DIR/.doxygen)
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
XML_PARENT="$OUT/.doxygen"
rm -rf "$XML_PARENT"
mkdir -p "$XML_PARENT"

cd "$ROOT"
NABLA_DOXYGEN_OUT="$XML_PARENT" doxygen docs/Doxyfile || die "doxygen failed"

# -W: warnings are errors; --keep-going: report all of them; -q: only warnings are printed.
# The doctrees live outside OUT so the HTML directory holds only what is published.
PYTHONPATH="$PY_BUILD${PYTHONPATH:+:$PYTHONPATH}" NABLA_DOXYGEN_XML="$XML_PARENT/xml" \
  "$PYTHON" -m sphinx -W --keep-going -q -b html -d "$XML_PARENT/doctrees" docs "$OUT" \
  || die "sphinx-build failed or warned (see above)"
echo "build_docs: HTML in $OUT/index.html"
