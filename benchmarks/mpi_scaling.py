"""bench-mpi: data-parallel scaling of nabla-book experiments on this machine.

Runs each experiment for one epoch over the first --train-size images with 1
rank and with 2 ranks (mpirun), bucketed and per-tensor (NABLA_MPI_BUCKET=0),
and reports seconds per epoch scaled to the full 50,000-image epoch, the
scaling efficiency t1 / (N * tN), and the bytes rank 0's collectives sent per
training step. The machine's load (uptime) is printed with the figures: another
process on a core changes them.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile


def run(nabla_book, exp, ranks, train_size, data, bucket=True):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [nabla_book, "run", exp, "--epochs", "1", "--train-size", str(train_size), "--quiet", "--json", out]
        if data:
            cmd += ["--data", data]
        # yield_when_idle: a rank waiting in a collective gives its core up (the machine may be shared).
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_mpi_yield_when_idle="1",
                   NABLA_MPI_BUCKET="1" if bucket else "0")
        if ranks > 1:
            cmd = ["mpirun", "--oversubscribe", "-np", str(ranks)] + cmd
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        with open(out) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nabla", required=True, help="nabla-book")
    ap.add_argument("--data", default="")
    ap.add_argument("--train-size", type=int, default=5000)
    ap.add_argument("--experiments", default="6.2,6.10")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load before: {load}")
    rows = []
    for exp in args.experiments.split(","):
        one = run(args.nabla, exp, 1, args.train_size, args.data)
        for bucket in (True, False):
            two = run(args.nabla, exp, 2, args.train_size, args.data, bucket)
            m = two["settings"].get("mini_batch_size", 10)
            steps = args.train_size // m
            scale = 50000 / args.train_size
            t1, t2 = one["seconds_per_epoch"] * scale, two["seconds_per_epoch"] * scale
            row = {"experiment": exp, "bucketed": bucket, "s_per_epoch_1": t1, "s_per_epoch_2": t2,
                   "efficiency": t1 / (2 * t2), "bytes_per_step": two["mpi"]["bytes_sent"] / steps,
                   "calls_per_step": two["mpi"]["collective_calls"] / steps}
            rows.append(row)
            print(f"{exp} ({'bucketed' if bucket else 'per-tensor'}): 1 rank {t1:.1f} s/epoch, 2 ranks {t2:.1f} "
                  f"s/epoch, efficiency {row['efficiency']:.2f}, {row['bytes_per_step']:.0f} bytes and "
                  f"{row['calls_per_step']:.2f} collective calls per step (rank 0)")
            sys.stdout.flush()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load after: {load}\n(seconds per epoch: one epoch over {args.train_size} images scaled to 50,000)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load": load, "train_size": args.train_size, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
