#!/bin/bash
# A training run killed (SIGKILL, no chance to clean up) after its epoch-2
# checkpoint and resumed with --resume ends with the uninterrupted run's
# parameters and optimizer state bit for bit (`nabla-book checkpoint` hashes
# every variable's bytes) and the same per-epoch accuracies.
set -euo pipefail
book="$1"; out="$2"
epochs=10
rm -rf "$out"; mkdir -p "$out"
"$book" run 1.1 --epochs $epochs --quiet --checkpoint "$out/whole" --json "$out/whole.json" > /dev/null

"$book" run 1.1 --epochs $epochs --quiet --checkpoint "$out/killed" --json "$out/killed.json" > /dev/null &
pid=$!
ckpt="$out/killed/1.1-run.ckpt"
epochs_in() { "$book" checkpoint "$1" 2>/dev/null | sed -n 's/.*, \([0-9]*\) epochs,.*/\1/p'; }
for _ in $(seq 1 3000); do
  [[ -f "$ckpt" && "$(epochs_in "$ckpt")" -ge 2 ]] && break
  sleep 0.01
done
kill -9 "$pid" 2>/dev/null || true
status=0; wait "$pid" || status=$?
if [[ $status -ne 137 ]]; then
  echo "the run was not killed mid-way (exit status $status): make it longer"; exit 1
fi
at_kill=$(epochs_in "$ckpt")
if [[ "$at_kill" -ge $epochs ]]; then echo "killed after the last epoch ($at_kill): make it longer"; exit 1; fi
echo "killed after epoch $at_kill of $epochs"

"$book" run 1.1 --epochs $epochs --quiet --checkpoint "$out/killed" --resume --json "$out/resumed.json" > /dev/null
"$book" checkpoint "$out/whole/1.1-run.ckpt" | sed 's/^[^:]*: //' > "$out/whole.txt"
"$book" checkpoint "$ckpt" | sed 's/^[^:]*: //' > "$out/resumed.txt"
if ! diff "$out/whole.txt" "$out/resumed.txt"; then
  echo "the resumed run's state differs from the uninterrupted run's"; exit 1
fi
/usr/bin/python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
run = lambda f: json.load(open(f"{d}/{f}"))["runs"][0]
whole, resumed = run("whole.json"), run("resumed.json")
for key in ("evaluation_accuracy", "training_cost", "epochs_run"):
    assert whole[key] == resumed[key], (key, whole[key], resumed[key])
print("resumed run matches bit for bit:", open(f"{d}/resumed.txt").readline().strip())
PY
