#!/bin/bash
# nabla-book under mpirun with no new flag: 1.1 (network2 SGD, shuffled) on 2
# ranks reaches the one-process accuracy on the same mini-batches, rank 0
# alone writes the results file, a checkpointed run resumes to the same
# accuracy; -np 3 with the book's mini-batch of 10 stops
# at once with an error naming 10 and 3. Usage: mpi_book.sh MPIEXEC NABLA_BOOK DATA_DIR
set -u
mpiexec=$1 book=$2 data=$3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 NABLA_PROGRESS=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(run 1.1 --epochs 2 --train-size 1000 --data "$data" --quiet)
"$book" "${args[@]}" --json "$tmp/one.json" >/dev/null || { echo "FAIL: one process"; exit 1; }
timeout 120 "$mpiexec" --oversubscribe -np 2 "$book" "${args[@]}" --json "$tmp/two.json" >"$tmp/two.out" 2>&1 ||
  { cat "$tmp/two.out"; echo "FAIL: mpirun -np 2"; exit 1; }
acc() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['result']['accuracy'], d['mpi']['ranks'])" "$1"; }
one=$(acc "$tmp/one.json") two=$(acc "$tmp/two.json")
echo "one process: $one; two ranks: $two"
[ "${one% *}" = "${two% *}" ] || { echo "FAIL: accuracies differ"; exit 1; }
[ "${two#* }" = 2 ] || { echo "FAIL: the results file does not say 2 ranks"; exit 1; }
[ "$(grep -c '^1.1:' "$tmp/two.out")" = 1 ] || { cat "$tmp/two.out"; echo "FAIL: the summary is not printed once"; exit 1; }
# Resumable under mpirun: 1 epoch with a checkpoint, then --resume to 2, equals 2 epochs in one go.
short=(run 1.1 --epochs 1 --train-size 1000 --data "$data" --quiet --checkpoint "$tmp/ck")
timeout 120 "$mpiexec" --oversubscribe -np 2 "$book" "${short[@]}" --json "$tmp/a.json" >/dev/null 2>&1 &&
  timeout 120 "$mpiexec" --oversubscribe -np 2 "$book" "${args[@]}" --checkpoint "$tmp/ck" --resume \
    --json "$tmp/resumed.json" >/dev/null 2>&1 || { echo "FAIL: checkpoint and resume under mpirun"; exit 1; }
resumed=$(acc "$tmp/resumed.json")
echo "resumed on two ranks: $resumed"
[ "${resumed% *}" = "${one% *}" ] || { echo "FAIL: the resumed run differs"; exit 1; }
timeout 60 "$mpiexec" --oversubscribe -np 3 "$book" "${args[@]}" --json "$tmp/three.json" >"$tmp/three.out" 2>&1
rc=$?
cat "$tmp/three.out" | head -5
[ $rc -ne 0 ] && [ $rc -ne 124 ] || { echo "FAIL: -np 3 exited $rc"; exit 1; }
grep -q "mini-batch of 10 examples does not divide over 3 MPI ranks" "$tmp/three.out" ||
  { echo "FAIL: no clear error for 10 over 3"; exit 1; }
echo OK
