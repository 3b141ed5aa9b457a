#!/bin/bash
# nabla-book run 6.11 --members: an ensemble trained piecewise (as two processes
# on two cores would) and then voted with --resume. The vote run retrains none of
# the finished members (their checkpoints stay byte for byte), it reports their
# accuracies as the members run did, a second writer of one member's checkpoint is
# refused while the first holds it, and --members is refused where it means nothing.
set -euo pipefail
book="$1"; out="$2"
rm -rf "$out"; mkdir -p "$out"
small=(--epochs 1 --train-size 100 --quiet)   # tiny nets: the test is about the bookkeeping

expect_error() {  # expect_error "message part" nabla-book args...
  local want="$1"; shift
  if "$book" "$@" > "$out/out.txt" 2> "$out/err.txt"; then
    echo "accepted: $*"; exit 1
  fi
  grep -qF -- "$want" "$out/err.txt" || { echo "wrong error for $*:"; cat "$out/err.txt"; exit 1; }
}
expect_error "--members applies to ensembles (6.11) only" run 3.22 --members 1 --checkpoint "$out/ckpt"
expect_error "--members 6 is not a member of 6.11 (1..5)" run 6.11 --members 6 --checkpoint "$out/ckpt"
expect_error "--members needs --checkpoint DIR" run 6.11 --members 2

# Without --json a members run writes results/6.11-members-2_3.json, not the voted results/6.11.json.
(cd "$out" && "$book" run 6.11 "${small[@]}" --members 2,3 --checkpoint "$out/ckpt") | tee "$out/members.txt"
[ -f "$out/results/6.11-members-2_3.json" ] && [ ! -e "$out/results/6.11.json" ]
cp "$out/results/6.11-members-2_3.json" "$out/members.json"
grep -q "trained members 2 (.*), 3 (.*) of 5" "$out/members.txt"
ls "$out"/ckpt/*.ckpt > "$out/files.txt"
[ "$(wc -l < "$out/files.txt")" = 2 ] || { echo "expected two member checkpoints:"; cat "$out/files.txt"; exit 1; }
sha256sum "$out"/ckpt/*.ckpt > "$out/before.sha"

# A process already training member 3 (here: this shell, holding its lock on fd 9)
# keeps a second one out; closing fd 9 lets the next run in.
member3=$(grep seed12345680 "$out/files.txt")
{
  flock -n 9
  expect_error "another process is training into $member3" run 6.11 "${small[@]}" --members 3 --checkpoint "$out/ckpt" --resume
} 9> "$member3.lock"

"$book" run 6.11 "${small[@]}" --checkpoint "$out/ckpt" --resume --json "$out/vote.json" | tee "$out/vote.txt"
grep -q "ensemble of 5: test accuracy" "$out/vote.txt"
sha256sum -c --quiet "$out/before.sha"   # members 2 and 3 were loaded, not retrained
/usr/bin/python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
members = json.load(open(f"{d}/members.json"))
vote = json.load(open(f"{d}/vote.json"))
got = vote["extra"]["member_test_accuracy_at_best"]
assert len(got) == 5, got
trained = [r["test_accuracy_at_best"] for r in members["extra"]["runs"]]
assert got[1:3] == trained, (got, trained)
assert members["settings"]["members"] == [2, 3], members["settings"]
assert 0 < vote["result"]["accuracy"] <= 1, vote["result"]
print("vote over 5 members, 2 and 3 loaded from their checkpoints:", got)
PY
