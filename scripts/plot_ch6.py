#!/usr/bin/python3
"""Draws chapter 6's figures from the result files of `nabla-book run 6.x --json RESULTS_DIR/6.x.json`.

    plot_ch6.py RESULTS_DIR [--out DIR] [--mnist DIR]

  F6.2  fig_6_2_filters.png   the first conv layer's 20 learned 5x5 filters as a 5x4 grid, dark =
        larger weight (conv.py's plot_filters uses the binary colormap). From 6.11's file (the
        book's "final network" is the ensemble's first net), else 6.10, else the first of
        6.9 ... 6.2 that exists; each file's extra.filters holds its headline net's filters.
  F6.1  fig_6_1_errors.png    the test digits the 6.11 ensemble gets wrong, the true label at the
        top right and the ensemble's at the bottom right (conv.py's plot_errors). Without 6.11's
        file, the errors of 6.10 (one net), else of the best-scoring single run, saying so in the
        title. Needs the MNIST test images (t10k IDX files, default data/mnist).
  curves fig_6_curves.png     validation accuracy per epoch of every 6.x file (6.5's tanh against
        6.4's sigmoid is the book's problem), and test accuracy per epoch.
Figures whose data is missing are skipped with a message.
"""
import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

IDS = ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "6.10", "6.11"]
HERE = os.path.dirname(os.path.abspath(__file__))


def load_results(results_dir):
    """{id: parsed result file} for the chapter-6 files present."""
    out = {}
    for i in IDS:
        path = os.path.join(results_dir, i + ".json")
        if not os.path.exists(path):
            continue
        try:
            with open(path) as f:
                out[i] = json.load(f)
        except (OSError, ValueError) as e:
            print(f"skip {i}: cannot read {path}: {e}")
    return out


def save(fig, out_dir, name):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    # Atomically (temporary file, fsync, rename): an interrupted plot keeps the old picture.
    tmp = f"{path}.tmp-{os.getpid()}"
    fig.savefig(tmp, dpi=120, bbox_inches="tight", format=os.path.splitext(path)[1][1:])
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    plt.close(fig)
    print(f"wrote {path}")


def first_with(results, key, order):
    for i in order:
        if i in results and results[i].get("extra", {}).get(key) is not None:
            return i
    return None


def fig_6_2_filters(results, out_dir):
    source = first_with(results, "filters", ["6.11", "6.10", "6.9", "6.8", "6.7", "6.6", "6.5", "6.4", "6.3", "6.2"])
    if source is None:
        print("skip F6.2: no 6.x result file with extra.filters (run e.g. nabla-book run 6.2 --json ...)")
        return
    filt = results[source]["extra"]["filters"]
    k, c, h, w = filt["shape"]
    values = np.array(filt["values"], dtype=float).reshape(k, c, h, w)[:, 0]  # input channel 0, as conv.py
    cols, rows = 5, math.ceil(k / 5)  # the book's 5x4 grid for 20 filters
    fig = plt.figure(figsize=(cols * 1.2, rows * 1.2))
    for j in range(k):
        ax = fig.add_subplot(rows, cols, j + 1)
        ax.matshow(values[j], cmap="binary")  # dark = larger weight
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"F6.2: first conv layer's {k} filters ({source})", fontsize=9)
    save(fig, out_dir, "fig_6_2_filters.png")


def read_idx_images(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = [int.from_bytes(data[4 + 4 * d:8 + 4 * d], "big") for d in range(data[3])]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def fig_6_1_errors(results, out_dir, mnist_dir):
    source = "6.11" if first_with(results, "errors", ["6.11"]) else None
    if source is None:
        source = first_with(results, "errors", ["6.10"])
    if source is None:  # the best single net we have
        scored = [(r.get("result", {}).get("accuracy", -1), i) for i, r in results.items()
                  if r.get("extra", {}).get("errors") is not None]
        source = max(scored)[1] if scored else None
    if source is None:
        print("skip F6.1: no 6.x result file with extra.errors")
        return
    path = os.path.join(mnist_dir, "t10k-images-idx3-ubyte")
    if not os.path.exists(path):
        print(f"skip F6.1: the MNIST test images {path} are missing (give --mnist DIR)")
        return
    images = read_idx_images(path)
    errors = results[source]["extra"]["errors"]
    cols = 11
    rows = max(1, math.ceil(len(errors) / cols))
    shown = errors[:cols * min(rows, 10)]  # at most 110 digits
    rows = max(1, math.ceil(len(shown) / cols))
    fig = plt.figure(figsize=(cols * 0.9, rows * 0.95))
    for j, e in enumerate(shown):
        ax = fig.add_subplot(rows, cols, j + 1)
        ax.imshow(images[e["index"]], cmap="binary")
        guess = e.get("predicted", e.get("vote"))
        ax.text(24, 5, str(e["label"]), fontsize=8, color="green")
        ax.text(24, 26, str(guess), fontsize=8, color="red")
        ax.set_xticks([])
        ax.set_yticks([])
    what = "ensemble" if source == "6.11" else f"single net of {source}"
    extra = "" if len(shown) == len(errors) else f", first {len(shown)} shown"
    fig.suptitle(f"F6.1: the {len(errors)} test digits the {what} gets wrong{extra}\n"
                 "(true label top right, network's label bottom right)", fontsize=9)
    save(fig, out_dir, "fig_6_1_errors.png")


def fig_curves(results, out_dir):
    runs = [(i, run) for i, r in results.items() for run in r.get("extra", {}).get("runs", [])]
    if not runs:
        print("skip curves: no 6.x result file with per-epoch runs")
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for i, run in runs:
        for ax, key in zip(axes, ("validation_accuracy", "test_accuracy")):
            ys = [100 * v if v is not None else float("nan") for v in run.get(key, [])]
            ax.plot(range(len(ys)), ys, label=f"{i}: {run.get('label', '')}")
    for ax, title in zip(axes, ("validation accuracy (%)", "test accuracy (%)")):
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.set_ylim(95, 100)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=6)
    save(fig, out_dir, "fig_6_curves.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plot chapter 6's figures (F6.1, F6.2, curves) from nabla-book results.")
    parser.add_argument("results_dir", help="directory holding 6.x.json files written by nabla-book")
    parser.add_argument("--out", help="where the PNGs go (default: RESULTS_DIR/figures)")
    parser.add_argument("--mnist", default=os.path.join(HERE, "..", "data", "mnist"),
                        help="directory of the MNIST IDX files (for F6.1's digits)")
    args = parser.parse_args(argv)
    results = load_results(args.results_dir)
    if not results:
        print(f"no 6.x result files in {args.results_dir}")
        return 1
    out = args.out or os.path.join(args.results_dir, "figures")
    fig_6_2_filters(results, out)
    fig_6_1_errors(results, out, args.mnist)
    fig_curves(results, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
