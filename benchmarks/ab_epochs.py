#!/usr/bin/env python3
"""Interleaved A/B timing of nabla-book builds or settings: the tool for telling a few-percent
change from the noise of a shared 2-vCPU machine, where one epoch can take 0.3 s in one run and
0.6 s in the next.

Each variant is NAME=BINARY, optionally followed by :VAR=VALUE,... environment settings:

  benchmarks/ab_epochs.py --run 6.2 --train-size 10000 --threads 2 --reps 8 \\
      old=/tmp/old/build/nabla-book new=build/nabla-book
  benchmarks/ab_epochs.py --run 6.10 --train-size 5000 --threads 1 \\
      dnnl=build/nabla-book openblas=build/nabla-book:NABLA_GEMM=openblas

The variants run one after another in every round (A B A B ...), so a slow phase of the machine
hits all of them alike; the training seconds per epoch (nabla-book's --json) are summarized per
variant as median and minimum, with each median's ratio to the first variant's. With --threads 1
every run is pinned to CPU 0 (taskset), which removes most of the one-thread spread.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def parse_variant(text):
    name, sep, rest = text.partition("=")
    if not sep or not name or not rest:
        raise argparse.ArgumentTypeError(f"expected NAME=BINARY[:VAR=VALUE,...], got {text!r}")
    binary, _, env_text = rest.partition(":")
    env = {}
    for item in filter(None, env_text.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"environment setting {item!r} in {text!r} is not VAR=VALUE")
        env[key] = value
    if not os.access(binary, os.X_OK):
        raise argparse.ArgumentTypeError(f"{binary!r} (variant {name}) is not an executable")
    return name, binary, env


def one_epoch(binary, env, args, json_path):
    cmd = [binary, "run", args.run, "--epochs", "1", "--train-size", str(args.train_size),
           "--threads", str(args.threads), "--quiet", "--json", json_path]
    if args.data:
        cmd += ["--data", args.data]
    if args.threads == 1 and shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    done = subprocess.run(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if done.returncode != 0:
        sys.exit(f"ab_epochs: {' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    with open(json_path) as f:
        return float(json.load(f)["seconds_per_epoch"])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("variants", nargs="+", type=parse_variant, metavar="NAME=BINARY[:VAR=VALUE,...]")
    p.add_argument("--run", default="6.2", help="nabla-book experiment id (default 6.2)")
    p.add_argument("--train-size", type=int, default=10000, help="training images per epoch (default 10000)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=6, help="rounds over all variants (default 6)")
    p.add_argument("--data", help="MNIST folder, passed to nabla-book as --data")
    args = p.parse_args()
    names = [name for name, _, _ in args.variants]
    if len(set(names)) != len(names):
        p.error(f"variant names must differ, got {names}")

    times = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        json_path = os.path.join(tmp, "run.json")
        for r in range(args.reps):
            for name, binary, env in args.variants:
                times[name].append(one_epoch(binary, env, args, json_path))
            print(f"round {r + 1}/{args.reps}: " + "  ".join(f"{n} {times[n][-1]:.3f}" for n in names),
                  file=sys.stderr)
    first = statistics.median(times[names[0]])
    print(f"{args.run}, {args.train_size} images, {args.threads} thread(s), {args.reps} rounds, s/epoch:")
    for name in names:
        t = times[name]
        med = statistics.median(t)
        print(f"  {name:12s} median {med:.4f} ({med / first:.3f}x)  min {min(t):.4f}  all "
              + " ".join(f"{x:.3f}" for x in t))


if __name__ == "__main__":
    main()
