#!/bin/bash
# nabla-book's --checkpoint/--resume end to end: 3.22 stopped after 2 epochs and
# resumed to 3 reports the uninterrupted 3-epoch run's accuracies and costs; a
# truncated checkpoint is refused naming the file, and stays as it was.
set -euo pipefail
book="$1"; out="$2"
rm -rf "$out"; mkdir -p "$out"
"$book" run 3.22 --epochs 3 --quiet --json "$out/whole.json"
"$book" run 3.22 --epochs 2 --quiet --checkpoint "$out/ckpt" --json "$out/part.json"
"$book" run 3.22 --epochs 3 --quiet --checkpoint "$out/ckpt" --resume --json "$out/resumed.json"
# Resuming a finished run trains nothing and reports the same.
"$book" run 3.22 --epochs 3 --quiet --checkpoint "$out/ckpt" --resume --json "$out/again.json"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
run = lambda f: json.load(open(f"{d}/{f}"))["runs"][0]
whole, resumed, again = run("whole.json"), run("resumed.json"), run("again.json")
for key in ("evaluation_accuracy", "training_cost", "learning_rate", "epochs_run"):
    assert whole[key] == resumed[key] == again[key], (key, whole[key], resumed[key], again[key])
assert len(run("part.json")["evaluation_accuracy"]) == 2
print("resumed run matches:", whole["evaluation_accuracy"])
PY
ckpt=$(ls "$out"/ckpt/*.ckpt)
head -c 100 "$ckpt" > "$out/short.ckpt"
cp "$out/short.ckpt" "$ckpt"
if "$book" run 3.22 --epochs 4 --quiet --checkpoint "$out/ckpt" --resume --json "$out/bad.json" 2> "$out/err.txt"; then
  echo "a truncated checkpoint was accepted"; exit 1
fi
grep -q "checkpoint $ckpt: truncated" "$out/err.txt" || { cat "$out/err.txt"; exit 1; }
cmp -s "$ckpt" "$out/short.ckpt" || { echo "the refused checkpoint was overwritten"; exit 1; }
echo "truncated checkpoint refused: $(cat "$out/err.txt")"
