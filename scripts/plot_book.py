#!/usr/bin/python3
"""Draws the book's figures of chapters 3-5 (BOOK.md section 3) from the result
files that `nabla-book run ID --json RESULTS_DIR/ID.json` writes.

    plot_book.py RESULTS_DIR [--out DIR]

Each figure needs one result file (RESULTS_DIR/<id>.json); figures whose file
is missing are skipped with a message. Training figures read the per-epoch
lists of the file's runs; the constructions of chapters 4 and 5 read the
experiment's "extra" data. Epoch ranges follow the run: the book's
"epochs 200-399" of a 400-epoch run is the last half of however many epochs
the run had (e.g. after --epochs 40).
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


# ---- reading result files ----------------------------------------------------------


def load_result(results_dir, experiment_id):
    """The parsed result file, or None (with a message) if absent or unreadable."""
    path = os.path.join(results_dir, experiment_id + ".json")
    if not os.path.exists(path):
        print(f"skip {experiment_id}: {path} not found (run: nabla-book run {experiment_id} --json {path})")
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"skip {experiment_id}: cannot read {path}: {e}")
        return None


def series(run, key):
    """A per-epoch list from a run; empty when that quantity was not monitored."""
    return list(run.get(key) or [])


def percent(run, key, size_key):
    """Accuracy counts turned into percentages of the data-set size."""
    size = run.get(size_key) or 0
    return [100.0 * c / size for c in series(run, key)] if size else []


def last_half(values):
    """(epochs, values) of the last half of a run: the book's epochs 200-399 of 400."""
    start = len(values) // 2
    return list(range(start, len(values))), values[start:]


def all_epochs(values):
    return list(range(len(values))), values


def run_size(run):
    """The training-set size of a run of the more-data sweep."""
    settings = run.get("settings") or {}
    if settings.get("train_size"):
        return settings["train_size"]
    if run.get("training_size"):
        return run["training_size"]
    label = run.get("label", "")
    digits = "".join(ch for ch in label if ch.isdigit())
    return int(digits) if digits else None


# ---- drawing helpers ------------------------------------------------------------------


def panel(ax, xy, title, ylabel, label=None):
    """One curve against the epoch; an empty series leaves a note instead."""
    epochs, values = xy
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Epoch")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    if not values:
        ax.text(0.5, 0.5, "not monitored", ha="center", va="center", transform=ax.transAxes)
        return
    ax.plot(epochs, values, label=label)


def headline(fig, result):
    """The experiment's title and the book's number, over the whole figure."""
    fig.suptitle(f"{result.get('experiment', '?')}: {result.get('title', '')}\nbook: {result.get('book', '')}",
                 fontsize=10)


def save(fig, out_dir, name):
    path = os.path.join(out_dir, name)
    fig.tight_layout()
    # Atomically (temporary file, fsync, rename): an interrupted plot keeps the old picture.
    tmp = f"{path}.tmp-{os.getpid()}"
    fig.savefig(tmp, dpi=100, format=os.path.splitext(path)[1][1:])
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    plt.close(fig)
    print(f"wrote {path}")
    return path


def train_vs_test_accuracy(result, out_dir, name):
    """Training and test accuracy of the first run on one axis (3.7, 3.9)."""
    run = result["runs"][0]
    fig, ax = plt.subplots(figsize=(7, 5))
    panel(ax, all_epochs(percent(run, "training_accuracy", "training_size")), "", "Accuracy (%)",
          label="Accuracy on the training data")
    panel(ax, all_epochs(percent(run, "evaluation_accuracy", "evaluation_size")), "", "Accuracy (%)",
          label="Accuracy on the test data")
    ax.legend(loc="lower right")
    headline(fig, result)
    return save(fig, out_dir, name)


def one_curve_per_run(result, out_dir, name, key, ylabel, as_percent):
    """One line per run (3.18, 3.19, 3.25), labelled with the run's label."""
    fig, ax = plt.subplots(figsize=(7, 5))
    for run in result["runs"]:
        values = percent(run, key, "evaluation_size") if as_percent else series(run, key)
        panel(ax, all_epochs(values), "", ylabel, label=run.get("label"))
    ax.legend()
    headline(fig, result)
    return save(fig, out_dir, name)


# ---- the figures, one function each ------------------------------------------------------


def fig_3_6_overfitting(result, out_dir):
    """Four panels: training cost and test accuracy over the last half, test
    cost and training accuracy over all epochs."""
    run = result["runs"][0]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    panel(axes[0][0], last_half(series(run, "training_cost")), "Cost on the training data", "Cost")
    panel(axes[0][1], last_half(percent(run, "evaluation_accuracy", "evaluation_size")), "Accuracy (%) on the test data",
          "Accuracy (%)")
    panel(axes[1][0], all_epochs(series(run, "evaluation_cost")), "Cost on the test data", "Cost")
    panel(axes[1][1], all_epochs(percent(run, "training_accuracy", "training_size")),
          "Accuracy (%) on the training data", "Accuracy (%)")
    headline(fig, result)
    return save(fig, out_dir, "3.6_overfitting.png")


def fig_3_7_overfitting_full(result, out_dir):
    return train_vs_test_accuracy(result, out_dir, "3.7_overfitting_full.png")


def fig_3_8_regularized(result, out_dir):
    """Training cost and test accuracy over the last half, with L2."""
    run = result["runs"][0]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    panel(axes[0], last_half(series(run, "training_cost")), "Cost on the training data", "Cost")
    panel(axes[1], last_half(percent(run, "evaluation_accuracy", "evaluation_size")), "Accuracy (%) on the test data",
          "Accuracy (%)")
    headline(fig, result)
    return save(fig, out_dir, "3.8_regularized.png")


def fig_3_9_regularized_full(result, out_dir):
    return train_vs_test_accuracy(result, out_dir, "3.9_regularized_full.png")


def fig_3_14_more_data(result, out_dir):
    """Final validation accuracy against the training-set size, linear and log x."""
    points = []
    for run in result["runs"]:
        accuracy = percent(run, "evaluation_accuracy", "evaluation_size")
        size = run_size(run)
        if accuracy and size:
            points.append((size, accuracy[-1]))
    points.sort()
    sizes = [s for s, _ in points]
    accuracies = [a for _, a in points]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, scale in zip(axes, ("linear", "log")):
        ax.plot(sizes, accuracies, "o-")
        ax.set_xscale(scale)
        ax.set_xlabel("Training set size")
        ax.set_ylabel("Validation accuracy (%)")
        ax.set_title(f"{scale} x axis", fontsize=10)
        ax.grid(True, alpha=0.3)
    headline(fig, result)
    return save(fig, out_dir, "3.14_more_data.png")


def fig_3_18_weight_initialization_30(result, out_dir):
    return one_curve_per_run(result, out_dir, "3.18_weight_initialization_30.png", "evaluation_accuracy",
                             "Validation accuracy (%)", as_percent=True)


def fig_3_19_weight_initialization_100(result, out_dir):
    return one_curve_per_run(result, out_dir, "3.19_weight_initialization_100.png", "evaluation_accuracy",
                             "Validation accuracy (%)", as_percent=True)


def fig_3_25_multiple_eta(result, out_dir):
    return one_curve_per_run(result, out_dir, "3.25_multiple_eta.png", "training_cost", "Training cost",
                             as_percent=False)


# ---- chapter 3's toy neuron, chapters 4 and 5 (data in the runs and in "extra") -----------


def extra(result):
    return result.get("extra") or {}


def fig_toy_neuron(result, out_dir, name):
    """Cost and output of the one-neuron example against the epoch, one line per run (F3.1-F3.4)."""
    outputs = extra(result).get("output") or {}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for run in result["runs"]:
        label = run.get("label")
        panel(axes[0], all_epochs(series(run, "training_cost")), "Cost", "Cost", label=label)
        panel(axes[1], all_epochs(list(outputs.get(label) or [])), "Output (target 0)", "Output", label=label)
    axes[0].legend(fontsize=8)
    headline(fig, result)
    return save(fig, out_dir, name)


def fig_3_1_toy_neuron(result, out_dir):
    return fig_toy_neuron(result, out_dir, "3.1_toy_neuron_quadratic.png")


def fig_3_2_toy_neuron_saturated(result, out_dir):
    return fig_toy_neuron(result, out_dir, "3.2_toy_neuron_quadratic_saturated.png")


def fig_3_3_toy_neuron_cross_entropy(result, out_dir):
    return fig_toy_neuron(result, out_dir, "3.3_toy_neuron_cross_entropy.png")


def curves_plot(ax, curves, names, title, ylabel="", xlim=None):
    """Named curves of a construction against x (F4.x)."""
    for name in names:
        if name in curves:
            ax.plot(curves["x"], curves[name], label=name)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("x")
    ax.set_ylabel(ylabel)
    if xlim:  # zoom in: the y range of what is visible
        ax.set_xlim(*xlim)
        visible = [y for name in names if name in curves
                   for x, y in zip(curves["x"], curves[name]) if xlim[0] <= x <= xlim[1]]
        if visible:
            pad = 0.05 * (max(visible) - min(visible) or 1.0)
            ax.set_ylim(min(visible) - pad, max(visible) + pad)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)


def fig_4_1_steps(result, out_dir):
    """sigma(w x + b) with b = -w s for growing w: a step at s."""
    curves = extra(result)["curves"]
    fig, ax = plt.subplots(figsize=(7, 5))
    curves_plot(ax, curves, [k for k in curves if k != "x"], "Output of one neuron", "sigma(wx + b)")
    headline(fig, result)
    return save(fig, out_dir, "4.1_step_neuron.png")


def fig_4_4_goal(result, out_dir):
    """The goal function against the bump networks and the trained network."""
    data = extra(result)
    curves = data["curves"]
    rows = {row["N"]: row["mean_deviation"] for row in data.get("bumps") or []}
    names = ["f"] + [k for k in curves if k.startswith("output") or k.startswith("trained")]
    fig, ax = plt.subplots(figsize=(8, 5))
    deviations = ", ".join(f"N={n}: {d:.3f}" for n, d in sorted(rows.items()))
    curves_plot(ax, curves, names, f"Average deviation {deviations}", "f(x)")
    headline(fig, result)
    return save(fig, out_dir, "4.4_goal_function.png")


def fig_4_7_tower(result, out_dir):
    """The thresholded two-input tower (h = 10) as an image of [0,1]^2."""
    tower = extra(result)["tower_h10"]
    n = tower["n"]
    z = [tower["z"][row * n:(row + 1) * n] for row in range(n)]
    fig, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(z, origin="lower", extent=(0, 1, 0, 1), vmin=0, vmax=1, cmap="viridis")
    fig.colorbar(image, ax=ax, label="output")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    headline(fig, result)
    return save(fig, out_dir, "4.7_tower.png")


def fig_4_12_windows(result, out_dir):
    """sigma^-1 o f against one and against two shifted approximations: all of [0,1], then one window."""
    curves = extra(result)["curves"]
    names = ["logit f", "M=1", "M=2"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    curves_plot(axes[0], curves, names, "Weighted output of the hidden layer", "sigma^-1 f(x)")
    curves_plot(axes[1], curves, names, "Around the step point x = 0.3", "sigma^-1 f(x)", xlim=(0.29, 0.31))
    headline(fig, result)
    return save(fig, out_dir, "4.12_windows_of_failure.png")


def fig_5_5_bars(result, out_dir):
    """|dC/db| of the first six neurons of each hidden layer at initialization (F5.1)."""
    top6 = extra(result)["top6"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    width = 0.8 / len(top6)
    for layer, values in enumerate(top6):
        xs = [j + layer * width for j in range(len(values))]
        ax.bar(xs, [abs(v) for v in values], width, label=f"hidden layer {layer + 1}")
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(top6[0]))])
    ax.set_xticklabels([str(j + 1) for j in range(len(top6[0]))])
    ax.set_xlabel("Neuron")
    ax.set_ylabel("|dC/db|")
    ax.legend()
    headline(fig, result)
    return save(fig, out_dir, "5.5_initial_gradient.png")


def speed_of_learning(result, out_dir, layers):
    """||delta^l|| of each hidden layer against the epoch, log scale (F5.2-F5.4)."""
    norms = extra(result)["norms"][str(layers)]
    fig, ax = plt.subplots(figsize=(7, 5))
    for layer, values in enumerate(norms):
        ax.plot(range(len(values)), values, label=f"Hidden layer {layer + 1}")
    ax.set_yscale("log")
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Speed of learning ||delta^l||")
    ax.set_title(f"Speed of learning: {layers} hidden layers", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend()
    headline(fig, result)
    return save(fig, out_dir, f"5.7_speed_of_learning_{layers}_layers.png")


def fig_5_7_speed_of_learning(result, out_dir):
    return [speed_of_learning(result, out_dir, k) for k in (2, 3, 4)]


FIGURES = [
    ("3.6", fig_3_6_overfitting),
    ("3.7", fig_3_7_overfitting_full),
    ("3.8", fig_3_8_regularized),
    ("3.9", fig_3_9_regularized_full),
    ("3.14", fig_3_14_more_data),
    ("3.18", fig_3_18_weight_initialization_30),
    ("3.19", fig_3_19_weight_initialization_100),
    ("3.25", fig_3_25_multiple_eta),
    ("3.1", fig_3_1_toy_neuron),
    ("3.2", fig_3_2_toy_neuron_saturated),
    ("3.3", fig_3_3_toy_neuron_cross_entropy),
    ("4.1", fig_4_1_steps),
    ("4.4", fig_4_4_goal),
    ("4.7", fig_4_7_tower),
    ("4.12", fig_4_12_windows),
    ("5.5", fig_5_5_bars),
    ("5.7", fig_5_7_speed_of_learning),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plot the book's figures (chapters 3-5) from nabla-book results.")
    parser.add_argument("results_dir", help="directory holding <id>.json files written by nabla-book")
    parser.add_argument("--out", help="where the PNGs go (default: RESULTS_DIR/figures)")
    args = parser.parse_args(argv)
    out_dir = args.out or os.path.join(args.results_dir, "figures")
    os.makedirs(out_dir, exist_ok=True)
    written, failed = [], []
    for experiment_id, draw in FIGURES:
        result = load_result(args.results_dir, experiment_id)
        if result is None:
            continue
        if not result.get("runs") and not result.get("extra"):
            print(f"skip {experiment_id}: the result file has no runs and no extra data")
            continue
        # One malformed file should not cost the other figures.
        try:
            paths = draw(result, out_dir)  # one path, or a list for a figure series (5.7)
            written.extend(paths if isinstance(paths, list) else [paths])
        except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError) as e:
            print(f"failed {experiment_id}: malformed result file ({type(e).__name__}: {e})")
            failed.append(experiment_id)
    if not written and not failed:
        print(f"no figures: none of the result files was found in {args.results_dir}")
    return 0 if written and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
